#!/usr/bin/env python3
"""Opens the rebalancer dashboard in headless Chromium (selenium + chromium-driver) and prints
one JSON object: the venues the page shows, the first plan it showed after opening (sequence,
its votes, when it was created and when the page showed it), and the browser's console errors.

usage: check_dashboard.py URL --venues A,B,C [--timeout S] [--screenshot PATH]
Exit 2 when selenium or chromium is missing (the caller says so and checks the stream itself).
"""
import argparse
import json
import shutil
import sys
import time

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:
    print(json.dumps({"unavailable": "python selenium is not installed"}))
    sys.exit(2)


def chromium_paths():
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if shutil.which("/usr/bin/chromedriver") else None
    )
    return browser, driver


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--venues", required=True)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--screenshot")
    args = parser.parse_args()
    venues = [v for v in args.venues.split(",") if v]
    browser, driver = chromium_paths()
    if not browser or not driver:
        print(json.dumps({"unavailable": "chromium and chromium-driver are not installed"}))
        return 2

    # A browser that hangs while starting on a loaded machine (the WebDriver call times out) is
    # tried once more with a fresh one; a second failure is reported as JSON with its reason.
    for attempt in (1, 2):
        try:
            return run(args, venues, browser, driver)
        except Exception as error:  # selenium's WebDriverException and urllib3's timeouts alike
            failure = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            print(f"check_dashboard: attempt {attempt} failed: {failure}", file=sys.stderr)
    print(json.dumps({"error": failure}))
    return 1


def run(args, venues, browser, driver):
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    page = webdriver.Chrome(service=Service(driver), options=options)
    result = {"venues": [], "plan": None, "console_errors": [], "page_errors": []}
    try:
        page.get(args.url)
        opened_ms = page.execute_script("return Date.now()")
        deadline = time.time() + args.timeout
        # Every venue of the topology shown with a balance from its watcher.
        while time.time() < deadline:
            shown = page.execute_script(
                "return [...document.querySelectorAll('.venue[data-balance]')].map(e => e.dataset.venue)"
            )
            if all(v in shown for v in venues):
                break
            time.sleep(0.2)
        result["venues"] = page.execute_script(
            "return [...document.querySelectorAll('.venue[data-balance]')].map(e => e.dataset.venue)"
        )
        # A plan approved after the page opened (its creation after the page's opening), with votes.
        while time.time() < deadline:
            plan = page.execute_script(
                """
                const rows = [...document.querySelectorAll('#plans .plan')]
                  .filter(r => Number(r.dataset.createdMs) > arguments[0]);
                if (!rows.length) return null;
                const r = rows[rows.length - 1];
                return { seq: Number(r.dataset.seq), createdMs: Number(r.dataset.createdMs),
                         receivedMs: Number(r.dataset.receivedMs), shownMs: Number(r.dataset.shownMs),
                         votes: [...r.querySelectorAll('.vote')].map(v => ({ verifier: v.dataset.verifier, vote: v.dataset.vote })) };
                """,
                opened_ms,
            )
            if plan:
                result["plan"] = plan
                break
            time.sleep(0.2)
        time.sleep(1)
        if args.screenshot:
            page.save_screenshot(args.screenshot)
        for entry in page.get_log("browser"):
            if entry.get("level") == "SEVERE":
                result["console_errors"].append(entry.get("message", ""))
    finally:
        page.quit()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
