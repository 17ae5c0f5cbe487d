import RebalancerCore
import Yams

/// The result of reading a topology's YAML before its keys are looked up in `keys_dir`.
struct DecodedTopology {
    /// The topology, when the file had no structural problem; nodes without key fields have empty keys.
    var topology: Deployment?
    /// Structural problems (syntax, missing or unknown fields, wrong types, malformed keys).
    var errors: [TopologyError]
    /// The line of every field path seen.
    var lines: [String: Int]
}

extension TopologyFile {
    /// Reads the YAML into a topology without touching the file system.
    static func decode(yaml: String) -> DecodedTopology {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            return DecodedTopology(topology: nil, errors: [syntaxError(error)], lines: [:])
        }
        guard let root else {
            return DecodedTopology(topology: nil, errors: [TopologyError(path: "", message: "empty file")], lines: [:])
        }
        let reader = YAMLFieldReader()
        let topology = decodeTopology(root, reader)
        let clean = reader.errors.isEmpty
        return DecodedTopology(topology: clean ? topology : nil, errors: reader.errors, lines: reader.lines)
    }

    private static func syntaxError(_ error: Error) -> TopologyError {
        guard let yamlError = error as? YamlError else {
            return TopologyError(path: "", message: "not valid YAML: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            // libyaml notices a problem where the next token starts, often the line after the
            // mistake (a key without its ':' is reported on the following line); the context
            // mark is where the construct it was reading began, which is the line to fix.
            guard let context else {
                return TopologyError(path: "", line: mark.line, message: "not valid YAML: \(problem)")
            }
            let noticed = context.mark.line == mark.line ? "" : " (noticed on line \(mark.line))"
            return TopologyError(path: "", line: context.mark.line, message: "not valid YAML: \(problem) \(context.text)\(noticed)")
        default:
            return TopologyError(path: "", message: "not valid YAML: \(yamlError)")
        }
    }

    private static func decodeTopology(_ root: Node, _ r: YAMLFieldReader) -> Deployment? {
        let known = ["id", "epoch", "quorum", "keys_dir", "nodes", "venues", "routes", "limits", "timing", "market", "coordination"]
        guard let f = r.fields(root, at: "", known: known) else { return nil }
        let id = f.required("id", YAMLFieldReader.string)
        let epoch = f.required("epoch", YAMLFieldReader.uint64)
        let quorum = f.required("quorum", YAMLFieldReader.int)
        let keysDir = f.has("keys_dir") ? f.required("keys_dir", YAMLFieldReader.string) : defaultKeysDir
        let nodes = list(f, "nodes", r, decodeNode)
        let venues = list(f, "venues", r, decodeVenue)
        let routes = list(f, "routes", r, decodeRoute)
        let limits = f.value("limits", required: true).flatMap { decodeLimits($0.node, $0.path, r) }
        let timing = f.value("timing", required: true).flatMap { decodeTiming($0.node, $0.path, r) }
        let market = f.value("market", required: true).flatMap { decodeMarket($0.node, $0.path, r) }
        let coordinationField = f.value("coordination", required: false)
        let coordination = coordinationField.map { decodeCoordination($0.node, $0.path, r) }
        guard let id, let epoch, let quorum, let keysDir, let nodes, let venues, let routes,
              let limits, let timing, let market
        else { return nil }
        if let coordination, coordination == nil { return nil }
        let policy = Topology(
            id: id, epoch: epoch, quorum: quorum, nodes: nodes.map(\.node), venues: venues,
            routes: routes, limits: limits, timing: timing
        )
        let endpoints = Dictionary(nodes.map { ($0.node.id, $0.endpoints) }, uniquingKeysWith: { first, _ in first })
        return Deployment(policy: policy, keysDir: keysDir, endpoints: endpoints, market: market, coordination: coordination ?? nil)
    }

    /// A required list field whose every item decodes; nil if any does not.
    static func list<T>(
        _ f: YAMLFields, _ key: String, _ r: YAMLFieldReader, _ item: (Node, String, YAMLFieldReader) -> T?
    ) -> [T]? {
        guard let field = f.value(key, required: true), let items = r.items(field.node, at: field.path) else { return nil }
        let decoded = items.map { item($0.node, $0.path, r) }
        return decoded.contains { $0 == nil } ? nil : decoded.compactMap { $0 }
    }

    private static func decodeNode(_ node: Node, _ path: String, _ r: YAMLFieldReader) -> (node: Topology.Node, endpoints: [String: String])? {
        let known = ["id", "role", "venue", "endpoints", "signing_key", "curve_key", "monitor_only"]
        guard let f = r.fields(node, at: path, known: known) else { return nil }
        let id = f.required("id", YAMLFieldReader.string)
        let role = f.required("role", YAMLFieldReader.string).flatMap { text -> Topology.Role? in
            guard let role = Topology.Role(rawValue: text) else {
                let roles = Topology.Role.allCases.map(\.rawValue).joined(separator: ", ")
                r.fail(YAMLFieldReader.join(path, "role"), f.values["role"], "unknown role \"\(text)\" (expected one of: \(roles))")
                return nil
            }
            return role
        }
        let venue = f.optional("venue", YAMLFieldReader.string)
        let endpointsField = f.value("endpoints", required: false)
        let endpoints = endpointsField.map { r.stringMap($0.node, at: $0.path) } ?? [:]
        let signingKey = f.optional("signing_key", YAMLFieldReader.signingKey)
        let curveKey = f.optional("curve_key", YAMLFieldReader.curveKey)
        let monitorOnly = f.optional("monitor_only", YAMLFieldReader.bool)
        let malformed = (f.has("signing_key") && signingKey == nil) || (f.has("curve_key") && curveKey == nil)
            || (f.has("venue") && venue == nil) || (f.has("monitor_only") && monitorOnly == nil)
        guard let id, let role, let endpoints, !malformed else { return nil }
        var decoded = Topology.Node(
            id: id, role: role, venue: venue,
            signingKey: signingKey ?? [], curveKey: curveKey ?? []
        )
        decoded.monitorOnly = monitorOnly ?? false
        return (decoded, endpoints)
    }

    private static func decodeVenue(_ node: Node, _ path: String, _ r: YAMLFieldReader) -> Topology.Venue? {
        let known = ["id", "asset", "floor_buffer", "target_ratio", "lower_band", "upper_band", "withdrawal_limit", "adapter"]
        guard let f = r.fields(node, at: path, known: known) else { return nil }
        let id = f.required("id", YAMLFieldReader.string)
        let asset = f.required("asset", YAMLFieldReader.string)
        let floorBuffer = f.required("floor_buffer", YAMLFieldReader.int64)
        let target = f.required("target_ratio", YAMLFieldReader.double)
        let lower = f.required("lower_band", YAMLFieldReader.double)
        let upper = f.required("upper_band", YAMLFieldReader.double)
        let withdrawalLimit = f.required("withdrawal_limit", YAMLFieldReader.int64)
        let adapterField = f.value("adapter", required: false)
        let adapter = adapterField.map { decodeAdapter($0.node, $0.path, r) }
        guard let id, let asset, let floorBuffer, let target, let lower, let upper, let withdrawalLimit else { return nil }
        if let adapter, adapter == nil { return nil }
        return Topology.Venue(
            id: id, asset: asset, floorBuffer: floorBuffer, targetRatio: target, lowerBand: lower,
            upperBand: upper, withdrawalLimit: withdrawalLimit, adapter: adapter ?? nil
        )
    }

    /// `adapter: {kind: binance-usdm, api_key_env: ..., ...}`: a kind and text parameters. Which
    /// parameters a kind takes is checked by `TopologyCheck` (it names the field).
    private static func decodeAdapter(_ node: Node, _ path: String, _ r: YAMLFieldReader) -> VenueAdapter? {
        guard var parameters = r.stringMap(node, at: path) else { return nil }
        guard let kind = parameters.removeValue(forKey: "kind") else {
            r.fail(YAMLFieldReader.join(path, "kind"), node, "missing required field")
            return nil
        }
        return VenueAdapter(kind: kind, parameters: parameters)
    }

    private static func decodeRoute(_ node: Node, _ path: String, _ r: YAMLFieldReader) -> Topology.Route? {
        let known = ["from", "to", "fee_bps", "fixed_fee", "latency_ms", "capacity"]
        guard let f = r.fields(node, at: path, known: known) else { return nil }
        let from = f.required("from", YAMLFieldReader.string)
        let to = f.required("to", YAMLFieldReader.string)
        let feeBps = f.required("fee_bps", YAMLFieldReader.double)
        let fixedFee = f.required("fixed_fee", YAMLFieldReader.int64)
        let latency = f.required("latency_ms", YAMLFieldReader.int64)
        let capacity = f.required("capacity", YAMLFieldReader.int64)
        guard let from, let to, let feeBps, let fixedFee, let latency, let capacity else { return nil }
        return Topology.Route(from: from, to: to, feeBps: feeBps, fixedFee: fixedFee, latencyMs: latency, capacity: capacity)
    }

    private static func decodeLimits(_ node: Node, _ path: String, _ r: YAMLFieldReader) -> Topology.Limits? {
        let known = ["per_transfer_cap", "per_venue_outflow", "per_route_outflow", "global_notional", "window_seconds"]
        guard let f = r.fields(node, at: path, known: known) else { return nil }
        let perTransfer = f.required("per_transfer_cap", YAMLFieldReader.int64)
        let perVenue = f.required("per_venue_outflow", YAMLFieldReader.int64)
        let perRoute = f.optional("per_route_outflow", YAMLFieldReader.int64)
        let global = f.required("global_notional", YAMLFieldReader.int64)
        let window = f.required("window_seconds", YAMLFieldReader.int64)
        guard let perTransfer, let perVenue, let global, let window else { return nil }
        return Topology.Limits(perTransferCap: perTransfer, perVenueOutflow: perVenue, perRouteOutflow: perRoute, globalNotional: global, windowSeconds: window)
    }

    private static func decodeCoordination(_ node: Node, _ path: String, _ r: YAMLFieldReader) -> Deployment.Coordination? {
        guard let f = r.fields(node, at: path, known: ["etcd", "lease_ms"]) else { return nil }
        let etcd = f.required("etcd", YAMLFieldReader.string)
        let lease = f.required("lease_ms", YAMLFieldReader.int64)
        guard let etcd, let lease else { return nil }
        return Deployment.Coordination(etcd: etcd, leaseMs: lease)
    }

    private static func decodeTiming(_ node: Node, _ path: String, _ r: YAMLFieldReader) -> Topology.Timing? {
        let known = ["heartbeat_ms", "stale_after_ms", "plan_ttl_ms", "basis_tolerance_ms"]
        guard let f = r.fields(node, at: path, known: known) else { return nil }
        let heartbeat = f.required("heartbeat_ms", YAMLFieldReader.int64)
        let stale = f.required("stale_after_ms", YAMLFieldReader.int64)
        let ttl = f.required("plan_ttl_ms", YAMLFieldReader.int64)
        let tolerance = f.required("basis_tolerance_ms", YAMLFieldReader.int64)
        guard let heartbeat, let stale, let ttl, let tolerance else { return nil }
        return Topology.Timing(heartbeatMs: heartbeat, staleAfterMs: stale, planTTLms: ttl, basisToleranceMs: tolerance)
    }
}
