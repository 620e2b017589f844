"""The console driven the way a person would, each step checked through
boto3: create a table with a global index, put three items through the
editor, find one with a Query on the index, edit it (and see a concurrent
change refused), delete another, run a PartiQL SELECT, watch a stream
record appear. Then: stored markup shows as text and runs nothing; the
page loads in under 300 ms; a 100,000-item table pages at once; SigV4
from the page; and the console's switch."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from helpers import make_client

WAIT_S = 15


def wait(browser, condition, timeout=WAIT_S):
    return WebDriverWait(browser, timeout).until(condition)


def visible(browser, selector):
    return wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, selector)))


def fill(browser, selector, text):
    field = visible(browser, selector)
    field.clear()
    field.send_keys(text)


def set_text(browser, selector, text):
    """A textarea's whole value, as a paste would leave it."""
    field = visible(browser, selector)
    browser.execute_script("arguments[0].value = arguments[1]", field, text)


def toast(browser, contains):
    """Waits for a message holding `contains`; fails with the one shown."""
    try:
        return wait(browser, lambda b: contains in b.find_element(By.ID, "toast").text and b.find_element(By.ID, "toast").text)
    except Exception:
        raise AssertionError(f"expected a message with {contains!r}, saw {browser.find_element(By.ID, 'toast').text!r}")


def items_shown(browser):
    """The rows of the results, read at once (the list is redrawn as results come)."""
    return browser.execute_script("return [...document.querySelectorAll('#items tr')].slice(1).map(r => r.innerText)")


def put_through_editor(browser, item):
    visible(browser, "#new-item").click()
    set_text(browser, "#item-text", json.dumps(item))
    browser.find_element(By.ID, "save-item").click()
    toast(browser, "Saved")


def test_a_person_creates_fills_queries_edits_deletes_and_watches(start_server, browser, screenshot):
    server = start_server()
    client = server.client()
    streams = server.client("dynamodbstreams")
    browser.get(server.url + "/console")
    visible(browser, "#create-table")
    screenshot("tables-empty")

    # Create a table with a global index and a stream, from the form.
    fill(browser, "#new-name", "music")
    fill(browser, "#new-pk", "pk")
    fill(browser, "#new-sk", "sk")
    Select(browser.find_element(By.ID, "new-sk-type")).select_by_visible_text("N")
    fill(browser, "#new-gsi", "byColor")
    fill(browser, "#new-gsi-pk", "color")
    browser.find_element(By.ID, "add-gsi").click()
    second = browser.find_elements(By.CSS_SELECTOR, ".gsi-row")[1]
    second.find_element(By.CSS_SELECTOR, ".index-name").send_keys("byPlays")
    second.find_element(By.CSS_SELECTOR, ".index-key").send_keys("plays")
    Select(second.find_element(By.CSS_SELECTOR, ".index-type")).select_by_visible_text("N")
    fill(browser, "#new-lsi", "bySinger")
    fill(browser, "#new-lsi-sk", "singer")
    Select(browser.find_element(By.ID, "new-stream")).select_by_value("NEW_IMAGE")
    fill(browser, "#new-ttl", "expires")
    browser.find_element(By.ID, "create").click()
    row = wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, '#tables tr[data-table="music"]')))
    assert "NEW_IMAGE" in row.text and "expires" in row.text and "byColor" in row.text
    table = client.describe_table(TableName="music")["Table"]
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["byColor", "byPlays"]
    assert [i["IndexName"] for i in table["LocalSecondaryIndexes"]] == ["bySinger"]
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
    assert client.describe_time_to_live(TableName="music")["TimeToLiveDescription"]["AttributeName"] == "expires"
    screenshot("tables")

    # Three items through the editor.
    browser.get(server.url + "/console#/table/music")
    visible(browser, "#results .muted")
    for n, color in enumerate(["red", "blue", "green"]):
        put_through_editor(browser, {"pk": {"S": f"song{n}"}, "sk": {"N": str(n)}, "color": {"S": color}, "plays": {"N": "0"}})
        assert client.get_item(TableName="music", Key={"pk": {"S": f"song{n}"}, "sk": {"N": str(n)}})["Item"]["color"] == {"S": color}

    # A Query on the global index finds one.
    Select(browser.find_element(By.ID, "source")).select_by_value("byColor")
    Select(browser.find_element(By.ID, "mode")).select_by_visible_text("Query")
    fill(browser, "#pk-value", "blue")
    browser.find_element(By.ID, "run").click()
    wait(browser, lambda b: len(items_shown(b)) == 1 and "song1" in items_shown(b)[0])
    screenshot("items-query")

    # Edit it.
    browser.find_element(By.CSS_SELECTOR, "#items button.edit").click()
    edited = {"pk": {"S": "song1"}, "sk": {"N": "1"}, "color": {"S": "blue"}, "plays": {"N": "7"}}
    set_text(browser, "#item-text", json.dumps(edited))
    screenshot("editor")
    browser.find_element(By.ID, "save-item").click()
    toast(browser, "Saved")
    assert client.get_item(TableName="music", Key={"pk": {"S": "song1"}, "sk": {"N": "1"}})["Item"]["plays"] == {"N": "7"}

    # An edit of an item changed meanwhile is refused, not written over it.
    wait(browser, lambda b: len(items_shown(b)) == 1)
    browser.find_element(By.CSS_SELECTOR, "#items button.edit").click()
    visible(browser, "#item-text")
    client.update_item(TableName="music", Key={"pk": {"S": "song1"}, "sk": {"N": "1"}}, UpdateExpression="SET plays = :p",
                       ExpressionAttributeValues={":p": {"N": "8"}})
    set_text(browser, "#item-text", json.dumps({**edited, "plays": {"N": "100"}}))
    browser.find_element(By.ID, "save-item").click()
    toast(browser, "changed since you opened it")
    assert client.get_item(TableName="music", Key={"pk": {"S": "song1"}, "sk": {"N": "1"}})["Item"]["plays"] == {"N": "8"}

    # Delete another, from a Scan of the table.
    Select(browser.find_element(By.ID, "source")).select_by_value("")
    Select(browser.find_element(By.ID, "mode")).select_by_visible_text("Scan")
    browser.find_element(By.ID, "run").click()
    wait(browser, lambda b: len(items_shown(b)) == 3)
    position = next(i for i, text in enumerate(items_shown(browser)) if "song2" in text)
    browser.find_elements(By.CSS_SELECTOR, "#items button.delete")[position].click()
    wait(browser, EC.alert_is_present()).accept()
    toast(browser, "Deleted")
    assert "Item" not in client.get_item(TableName="music", Key={"pk": {"S": "song2"}, "sk": {"N": "2"}})
    screenshot("items")

    # PartiQL.
    browser.get(server.url + "/console#/partiql")
    set_text(browser, "#statement", "SELECT * FROM \"music\" WHERE pk = 'song0'")
    browser.find_element(By.ID, "run-statement").click()
    wait(browser, lambda b: "song0" in b.find_element(By.ID, "partiql-results").text)
    screenshot("partiql")

    # Live: a stream record appears as it is written.
    browser.get(server.url + "/console#/live")
    visible(browser, "#watch-stream").click()
    wait(browser, EC.presence_of_element_located((By.ID, "stream-records")))
    client.put_item(TableName="music", Item={"pk": {"S": "live"}, "sk": {"N": "9"}, "color": {"S": "gold"}})
    record = wait(browser, lambda b: [e for e in b.find_elements(By.CSS_SELECTOR, "#stream-records li") if "live" in e.text])
    assert record[0].text.startswith("INSERT")
    wait(browser, lambda b: "music" in b.find_element(By.ID, "live-tables").text)
    # Consumed capacity, from the server's running totals: a burst of writes shows as WCU per second.
    metrics = urllib.request.urlopen(server.url + "/metrics").read().decode()
    assert any(line.startswith('strata_table_consumed_write_units{table="music"}') and float(line.split()[-1]) >= 5
               for line in metrics.splitlines()), "no consumed write units for music in /metrics"
    for n in range(20):
        client.put_item(TableName="music", Item={"pk": {"S": "burst"}, "sk": {"N": str(n)}})
    usage = 'return document.querySelector("#live-tables tr[data-table=music] .usage").textContent'
    requests = 'return document.querySelector("#live-tables tr[data-table=music] .requests").textContent'
    WebDriverWait(browser, WAIT_S, poll_frequency=0.1).until(
        lambda b: (m := re.search(r"([0-9.]+) WCU/s", b.execute_script(usage))) and float(m.group(1)) > 0
        and float(b.execute_script(requests)) > 0)
    screenshot("live")
    assert streams.list_streams(TableName="music")["Streams"]


def test_stored_markup_shows_as_text_and_runs_nothing(start_server, browser):
    server = start_server()
    client = server.client()
    client.create_table(TableName="xss", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    image = '<img src=x onerror="window.__xss = 1">'
    script = "<script>window.__xss = 2</script>"
    client.put_item(TableName="xss", Item={"pk": {"S": image}, "note": {"S": script}, "nested": {"M": {"x": {"S": image}}}})
    browser.get(server.url + "/console#/table/xss")
    wait(browser, lambda b: len(items_shown(b)) == 1)
    assert image in items_shown(browser)[0] and script in items_shown(browser)[0]
    browser.find_element(By.ID, "as-json").click()
    browser.find_element(By.ID, "run").click()
    wait(browser, lambda b: b.find_elements(By.ID, "items-json"))
    assert browser.execute_script("return window.__xss === undefined")
    assert not browser.find_elements(By.CSS_SELECTOR, "#main img, #main script")


def test_the_page_loads_fast_and_a_large_table_pages_at_once(start_server, browser):
    server = start_server()
    client = server.client()
    client.create_table(TableName="large", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])

    def load(start):
        writer = make_client(server.url)
        for batch in range(start, start + 12_500, 25):
            requests = [{"PutRequest": {"Item": {"pk": {"S": f"item{n:06d}"}, "v": {"N": str(n)}}}} for n in range(batch, batch + 25)]
            while requests:
                requests = writer.batch_write_item(RequestItems={"large": requests}).get("UnprocessedItems", {}).get("large", [])
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(load, range(0, 100_000, 12_500)))

    browser.get(server.url + "/console")
    visible(browser, "#tables")
    load_ms = browser.execute_script("const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime")
    assert 0 < load_ms < 300, f"the console took {load_ms} ms to load"

    started = time.monotonic()
    browser.get(server.url + "/console#/table/large")
    wait(browser, lambda b: len(items_shown(b)) == 50)
    first = items_shown(browser)
    visible(browser, "#next-page").click()
    wait(browser, lambda b: len(items_shown(b)) == 50 and items_shown(b) != first)
    assert time.monotonic() - started < 3, "the first two pages of a 100,000-item table took too long"


def test_with_sigv4_the_page_asks_for_keys_and_signs(start_server, browser):
    server = start_server("--auth", "sigv4", "--credentials", "CONSOLEKEY:consolesecret")
    browser.get(server.url + "/console")
    fill(browser, "#access-key", "CONSOLEKEY")
    fill(browser, "#secret-key", "consolesecret")
    browser.find_element(By.CSS_SELECTOR, ".dialog button.primary").click()
    visible(browser, "#create-table")
    assert "signed as CONSOLEKEY" in browser.find_element(By.ID, "signer").text
    fill(browser, "#new-name", "signed")
    fill(browser, "#new-pk", "pk")
    browser.find_element(By.ID, "create").click()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, '#tables tr[data-table="signed"]')))


def test_the_console_is_off_when_asked_or_away_from_loopback(start_server):
    server = start_server("--console", "off")
    try:
        urllib.request.urlopen(server.url + "/console")
        raise AssertionError("the console answered while off")
    except urllib.error.HTTPError as error:
        assert error.code == 404
