#!/usr/bin/env python3
"""Per-stage figures from a traced demo (docs/latency.md).

    REBALANCER_TRACE=1 rebalancer demo --seconds 20 --quiet --data-dir D
    python3 docs/tools/latency_trace.py D

Reads the `trace` lines of D/logs/*.log (StageTrace) and prints, per kind of traced message
(the coordinator's proposals, plannings that proposed nothing and quorum votes; every verifier's
votes), each stage's increment at p50 and p90 in microseconds, then the hops between processes
(the trace's t0 is CLOCK_MONOTONIC, one clock for every process of the machine).
"""
import re, sys, glob, statistics as st
d=sys.argv[1]
rows=[]
arrivals=[]
for f in glob.glob(d+"/logs/*.log"):
    node=f.split("/")[-1][:-4]
    for line in open(f, errors="replace"):
        if not line.rstrip().endswith("trace"): continue
        m=dict(re.findall(r'(\w+)=(\S+)', line.split(" : ",1)[1]))
        if m.get("what")=="arrival":
            arrivals.append((int(m["observed_to_admitted_us"]), int(m["admitted_to_opened_us"]), int(m["opened_together"])))
            continue
        us=re.search(r'us=(.*?) what=', line).group(1)
        stages=[(k,float(v)) for k,v in (x.split("=") for x in us.split())]
        rows.append((node,m["what"],int(m["plan_seq"]),int(m["t0"]),stages))
def pct(xs,p): xs=sorted(xs); return xs[min(len(xs)-1,int(p*len(xs)))] if xs else float('nan')
kinds={}
for node,what,seq,t0,stages in rows:
    key=(node.split("-")[0] if node.startswith(("verifier","watcher")) else node, what)
    kinds.setdefault(key,[]).append(stages)
for key,lst in sorted(kinds.items()):
    print(f"{key[0]} {key[1]} (n={len(lst)}): stage p50 / p90 of the increment, us")
    names=[s for s,_ in lst[0]]
    for i in range(1,len(names)):
        inc=[s[i][1]-s[i-1][1] for s in lst if len(s)>i and s[i][0]==names[i]]
        print(f"   {names[i]:10} {pct(inc,.5):8.0f} {pct(inc,.9):8.0f}")
    tot=[s[-1][1] for s in lst]
    print(f"   {'total':10} {pct(tot,.5):8.0f} {pct(tot,.9):8.0f}")
# cross process: proposal sent -> verifier received; proposal sent -> quorum vote received at coordinator
props={seq:t0+dict(st_)["sent"]*1000 for node,what,seq,t0,st_ in rows if what=="proposal"}
vrec={}
for node,what,seq,t0,st_ in rows:
    if what=="vote": vrec.setdefault(seq,[]).append((t0, t0+dict(st_)["sent"]*1000))
appr={seq:(t0, t0+dict(st_)["sent"]*1000) for node,what,seq,t0,st_ in rows if what=="approval"}
a=[];b=[];c=[];e=[]
for seq,ps in props.items():
    if seq in vrec:
        a += [(r-ps)/1000 for r,_ in vrec[seq]]
        sent=sorted(s for _,s in vrec[seq])
        if len(sent)>=3: b.append((sent[2]-ps)/1000)
        if seq in appr and len(sent)>=3: c.append((appr[seq][0]-sent[2])/1000); e.append((appr[seq][1]-ps)/1000)
print(f"proposal sent -> verifier took it: p50 {pct(a,.5):.0f} p90 {pct(a,.9):.0f} us (n={len(a)})")
print(f"proposal sent -> third vote sent: p50 {pct(b,.5):.0f} p90 {pct(b,.9):.0f} us")
print(f"third vote sent -> coordinator took quorum vote: p50 {pct(c,.5):.0f} p90 {pct(c,.9):.0f} us")
print(f"proposal sent -> approved plan sent: p50 {pct(e,.5):.0f} p90 {pct(e,.9):.0f} us")
if arrivals:
    print(f"coordinator, each state (n={len(arrivals)}): observed -> admitted p50 {pct([a for a,_,_ in arrivals],.5)} p90 {pct([a for a,_,_ in arrivals],.9)} us;"
          f" admitted -> opened p50 {pct([b for _,b,_ in arrivals],.5)} p90 {pct([b for _,b,_ in arrivals],.9)} us; opened together p50 {pct([c for _,_,c in arrivals],.5)}")
