/// The console's script: every view, calling the DynamoDB JSON API from
/// the page as an SDK does (signed with SigV4 when the server checks
/// signatures). Item content only ever reaches the page as text.
enum ConsoleScript {
    static let source = #"""
    "use strict";
    // Strata's console: the DynamoDB JSON API from the page, as any SDK calls it.
    // Nothing from an item is ever parsed as HTML: every text goes in through textContent.

    const state = { credentials: null, region: "us-east-1", page: null };

    // ---- Elements ----------------------------------------------------------
    function el(tag, attributes, ...children) {
      const node = document.createElement(tag);
      for (const [name, value] of Object.entries(attributes || {})) {
        if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
        else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? "" : value);
      }
      for (const child of children.flat()) {
        if (child === null || child === undefined || child === false) continue;
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
      return node;
    }
    function show(...nodes) { const main = document.getElementById("main"); main.replaceChildren(...nodes); }
    function toast(text, isError) {
      const box = document.getElementById("toast");
      box.textContent = text; box.className = "shown" + (isError ? " error" : "");
      clearTimeout(toast.timer); toast.timer = setTimeout(() => { box.className = ""; }, 4000);
    }

    // ---- SigV4 in the page --------------------------------------------------
    const encoder = new TextEncoder();
    function hex(buffer) { return [...new Uint8Array(buffer)].map(b => b.toString(16).padStart(2, "0")).join(""); }
    async function sha256(text) { return hex(await crypto.subtle.digest("SHA-256", encoder.encode(text))); }
    async function hmac(key, text) {
      const imported = await crypto.subtle.importKey("raw", typeof key === "string" ? encoder.encode(key) : key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      return crypto.subtle.sign("HMAC", imported, encoder.encode(text));
    }
    async function signedHeaders(target, body) {
      const now = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
      const date = now.slice(0, 8);
      const headers = { "content-type": "application/x-amz-json-1.0", "host": location.host, "x-amz-date": now, "x-amz-target": target };
      const names = Object.keys(headers).sort();
      const canonical = ["POST", "/", "", ...names.map(n => n + ":" + headers[n]), "", names.join(";"), await sha256(body)].join("\n");
      const scope = `${date}/${state.region}/dynamodb/aws4_request`;
      const toSign = ["AWS4-HMAC-SHA256", now, scope, await sha256(canonical)].join("\n");
      let key = await hmac("AWS4" + state.credentials.secret, date);
      for (const part of [state.region, "dynamodb", "aws4_request"]) key = await hmac(key, part);
      const signature = hex(await hmac(key, toSign));
      return {
        "Content-Type": headers["content-type"], "X-Amz-Date": now, "X-Amz-Target": target,
        "Authorization": `AWS4-HMAC-SHA256 Credential=${state.credentials.key}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`,
      };
    }

    // ---- The API -----------------------------------------------------------
    async function api(operation, request, service = "DynamoDB_20120810") {
      const body = JSON.stringify(request);
      const target = `${service}.${operation}`;
      const headers = state.credentials ? await signedHeaders(target, body)
        : { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target };
      const response = await fetch("/", { method: "POST", headers, body });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        const type = (answer.__type || `HTTP ${response.status}`).split("#").pop();
        const error = new Error(`${type}: ${answer.message || answer.Message || ""}`);
        error.type = type;
        if ((type === "MissingAuthenticationTokenException" || type === "UnrecognizedClientException") && !state.asked) askCredentials();
        throw error;
      }
      return answer;
    }
    const streamsApi = (operation, request) => api(operation, request, "DynamoDBStreams_20120810");

    function askCredentials() {
      state.asked = true;
      const key = el("input", { id: "access-key", placeholder: "access key id" });
      const secret = el("input", { id: "secret-key", type: "password", placeholder: "secret access key" });
      const region = el("input", { id: "region", value: state.region });
      show(el("div", { class: "dialog" }, el("h2", {}, "Sign in"),
        el("p", { class: "muted" }, "This server checks SigV4 signatures: requests from this page are signed with these keys, in the page."),
        el("div", { class: "row" }, key, secret, region,
          el("button", { class: "primary", onclick: () => {
            state.credentials = { key: key.value, secret: secret.value }; state.region = region.value || "us-east-1";
            document.getElementById("signer").textContent = "signed as " + key.value; state.asked = false; route();
          } }, "Sign in"))));
    }

    // ---- DynamoDB JSON <-> plain JSON --------------------------------------
    function plain(value) {
      const [type, inner] = Object.entries(value)[0];
      switch (type) {
        case "S": case "B": return inner;
        case "N": return Number(inner);
        case "BOOL": return inner;
        case "NULL": return null;
        case "SS": case "BS": return inner;
        case "NS": return inner.map(Number);
        case "L": return inner.map(plain);
        case "M": return Object.fromEntries(Object.entries(inner).map(([k, v]) => [k, plain(v)]));
      }
      return inner;
    }
    function typed(value) {
      if (value === null) return { NULL: true };
      if (typeof value === "string") return { S: value };
      if (typeof value === "number") return { N: String(value) };
      if (typeof value === "boolean") return { BOOL: value };
      if (Array.isArray(value)) return { L: value.map(typed) };
      return { M: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typed(v)])) };
    }
    const plainItem = item => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, plain(v)]));
    const typedItem = item => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, typed(v)]));
    function cellText(value) {
      const [type, inner] = Object.entries(value)[0];
      return type === "S" || type === "N" ? String(inner) : JSON.stringify(plain(value));
    }

    // ---- Tables ------------------------------------------------------------
    async function describeAll() {
      const names = [];
      let start;
      do {
        const page = await api("ListTables", start ? { ExclusiveStartTableName: start } : {});
        names.push(...page.TableNames); start = page.LastEvaluatedTableName;
      } while (start);
      return Promise.all(names.map(async name => (await api("DescribeTable", { TableName: name })).Table));
    }

    async function tablesView() {
      const tables = await describeAll();
      const expiries = await Promise.all(tables.map(t => api("DescribeTimeToLive", { TableName: t.TableName }).then(a => a.TimeToLiveDescription).catch(() => ({}))));
      const rows = tables.map((t, position) => el("tr", { "data-table": t.TableName },
        el("td", {}, el("a", { href: "#/table/" + encodeURIComponent(t.TableName) }, t.TableName)),
        el("td", {}, t.TableStatus), el("td", {}, t.ItemCount), el("td", {}, t.TableSizeBytes),
        el("td", {}, (t.BillingModeSummary || {}).BillingMode || "PROVISIONED"),
        el("td", {}, [...(t.GlobalSecondaryIndexes || []), ...(t.LocalSecondaryIndexes || [])].map(i => i.IndexName).join(", ")),
        el("td", {}, t.StreamSpecification ? t.StreamSpecification.StreamViewType : ""),
        el("td", {}, expiries[position].TimeToLiveStatus === "ENABLED" ? expiries[position].AttributeName : ""),
        el("td", {}, el("button", { class: "danger", onclick: () => deleteTable(t.TableName) }, "Delete"))));
      show(el("h2", {}, "Tables"),
        el("table", { class: "grid", id: "tables" }, el("tr", {}, ["Name", "Status", "Items", "Bytes", "Billing", "Indexes", "Stream", "TTL", ""].map(h => el("th", {}, h))), rows),
        createForm(), transferPanel(tables));
    }

    async function deleteTable(name) {
      if (!confirm(`Delete table ${name} and all its items?`)) return;
      try { await api("DeleteTable", { TableName: name }); toast(`Deleted ${name}`); route(); } catch (e) { toast(e.message, true); }
    }

    function createForm() {
      const f = (id, extra) => el("input", { id, size: 12, ...(extra || {}) });
      const type = (id, extra) => el("select", { id, ...(extra || {}) }, ["S", "N", "B"].map(t => el("option", {}, t)));
      const fields = {
        name: f("new-name"), pk: f("new-pk"), pkType: type("new-pk-type"), sk: f("new-sk"), skType: type("new-sk-type"),
        billing: el("select", { id: "new-billing" }, el("option", {}, "PAY_PER_REQUEST"), el("option", {}, "PROVISIONED")),
        stream: el("select", { id: "new-stream" }, ["", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"].map(v => el("option", { value: v }, v || "no stream"))),
        ttl: f("new-ttl"),
      };
      const label = (text, ...inputs) => el("label", {}, text + " ", ...inputs);
      // Index rows: the first of each kind carries ids, every one a class the form reads.
      const indexRows = el("div", {});
      const addIndex = (kind, first) => {
        const id = suffix => first ? `new-${kind}${suffix}` : undefined;
        const row = el("div", { class: `row ${kind}-row` },
          label(kind === "gsi" ? "Global index" : "Local index", f(id(""), { class: "index-name" })),
          label(kind === "gsi" ? "its partition key" : "its sort key", f(id(kind === "gsi" ? "-pk" : "-sk"), { class: "index-key" }),
            type(id(kind === "gsi" ? "-pk-type" : "-sk-type"), { class: "index-type" })));
        indexRows.append(row);
      };
      addIndex("gsi", true); addIndex("lsi", true);
      const create = async () => {
        const v = k => fields[k].value.trim();
        const definitions = new Map([[v("pk"), v("pkType")]]);
        const request = { TableName: v("name"), BillingMode: v("billing"), KeySchema: [{ AttributeName: v("pk"), KeyType: "HASH" }] };
        if (v("sk")) { request.KeySchema.push({ AttributeName: v("sk"), KeyType: "RANGE" }); definitions.set(v("sk"), v("skType")); }
        const units = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };
        if (v("billing") === "PROVISIONED") request.ProvisionedThroughput = units;
        const rows = kind => [...indexRows.querySelectorAll(`.${kind}-row`)].map(r => ({
          name: r.querySelector(".index-name").value.trim(), key: r.querySelector(".index-key").value.trim(), type: r.querySelector(".index-type").value,
        })).filter(r => r.name);
        const globals = rows("gsi"), locals = rows("lsi");
        for (const index of [...globals, ...locals]) definitions.set(index.key, index.type);
        if (globals.length) request.GlobalSecondaryIndexes = globals.map(index => ({
          IndexName: index.name, KeySchema: [{ AttributeName: index.key, KeyType: "HASH" }], Projection: { ProjectionType: "ALL" },
          ...(v("billing") === "PROVISIONED" ? { ProvisionedThroughput: units } : {}) }));
        if (locals.length) request.LocalSecondaryIndexes = locals.map(index => ({
          IndexName: index.name, KeySchema: [{ AttributeName: v("pk"), KeyType: "HASH" }, { AttributeName: index.key, KeyType: "RANGE" }],
          Projection: { ProjectionType: "ALL" } }));
        if (v("stream")) request.StreamSpecification = { StreamEnabled: true, StreamViewType: v("stream") };
        request.AttributeDefinitions = [...definitions].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
        try {
          await api("CreateTable", request);
          if (v("ttl")) await api("UpdateTimeToLive", { TableName: v("name"), TimeToLiveSpecification: { AttributeName: v("ttl"), Enabled: true } });
          toast(`Created ${v("name")}`); route();
        } catch (e) { toast(e.message, true); }
      };
      return el("fieldset", { id: "create-table" }, el("legend", {}, "Create a table"),
        el("div", { class: "row" }, label("Name", fields.name), label("Partition key", fields.pk, fields.pkType), label("Sort key", fields.sk, fields.skType), label("Billing", fields.billing)),
        indexRows,
        el("div", { class: "row" }, el("button", { id: "add-gsi", onclick: () => addIndex("gsi", false) }, "+ global index"),
          el("button", { id: "add-lsi", onclick: () => addIndex("lsi", false) }, "+ local index")),
        el("div", { class: "row" }, label("Stream", fields.stream), label("TTL attribute", fields.ttl), el("button", { class: "primary", id: "create", onclick: create }, "Create")));
    }

    // ---- Import and export -------------------------------------------------
    function transferPanel(tables) {
      const pick = el("select", { id: "transfer-table" }, tables.map(t => el("option", {}, t.TableName)));
      const file = el("input", { type: "file", id: "import-file", accept: ".json,.jsonl,.csv,.txt" });
      const bar = el("progress", { value: 0, max: 1 });
      const status = el("span", { class: "muted" });
      const exportTable = async () => {
        const lines = []; let start;
        do {
          const page = await api("Scan", { TableName: pick.value, ...(start ? { ExclusiveStartKey: start } : {}) });
          for (const item of page.Items) lines.push(JSON.stringify({ Item: item }));
          start = page.LastEvaluatedKey; status.textContent = `${lines.length} items read`;
        } while (start);
        const link = el("a", { href: URL.createObjectURL(new Blob([lines.join("\n") + "\n"], { type: "application/json" })), download: `${pick.value}.json` }, `Download ${pick.value}.json`);
        status.replaceChildren(`${lines.length} items: `, link);
      };
      const importFile = async () => {
        const text = await file.files[0].text();
        const items = file.files[0].name.endsWith(".csv") ? csvItems(text) : text.split("\n").filter(l => l.trim()).map(l => JSON.parse(l).Item);
        bar.max = items.length || 1;
        for (let i = 0; i < items.length; i += 25) {
          let requests = { [pick.value]: items.slice(i, i + 25).map(Item => ({ PutRequest: { Item } })) };
          while (Object.keys(requests).length) requests = (await api("BatchWriteItem", { RequestItems: requests })).UnprocessedItems || {};
          bar.value = Math.min(i + 25, items.length); status.textContent = `${bar.value} of ${items.length} items`;
        }
        toast(`Imported ${items.length} items into ${pick.value}`);
      };
      return el("fieldset", {}, el("legend", {}, "Import and export (JSON lines of {\"Item\": ...}, or CSV with a header)"),
        el("div", { class: "row" }, pick, el("button", { onclick: () => exportTable().catch(e => toast(e.message, true)) }, "Export"),
          file, el("button", { onclick: () => importFile().catch(e => toast(e.message, true)) }, "Import"), bar, status));
    }
    function csvItems(text) {
      const rows = text.split(/\r?\n/).filter(l => l.length).map(line => {
        const fields = []; let field = "", quoted = false;
        for (let i = 0; i < line.length; i++) {
          const c = line[i];
          if (quoted) { if (c === '"' && line[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c; }
          else if (c === '"' && field === "") quoted = true; else if (c === ",") { fields.push(field); field = ""; } else field += c;
        }
        fields.push(field); return fields;
      });
      const header = rows.shift() || [];
      return rows.map(r => Object.fromEntries(header.map((h, i) => [h, { S: r[i] }]).filter(([, v]) => v.S)));
    }

    // ---- Items -------------------------------------------------------------
    async function tableView(name) {
      const table = (await api("DescribeTable", { TableName: name })).Table;
      const indexes = [...(table.GlobalSecondaryIndexes || []), ...(table.LocalSecondaryIndexes || [])];
      const keyOf = schema => ({ pk: schema.find(k => k.KeyType === "HASH").AttributeName, sk: (schema.find(k => k.KeyType === "RANGE") || {}).AttributeName });
      const source = el("select", { id: "source" }, el("option", { value: "" }, "table"), indexes.map(i => el("option", { value: i.IndexName }, "index " + i.IndexName)));
      const mode = el("select", { id: "mode" }, el("option", {}, "Scan"), el("option", {}, "Query"));
      const pkValue = el("input", { id: "pk-value", placeholder: "partition key value" });
      const skOp = el("select", { id: "sk-op" }, ["", "=", "<", "<=", ">", ">=", "begins_with"].map(o => el("option", { value: o }, o || "any sort key")));
      const skValue = el("input", { id: "sk-value", placeholder: "sort key value" });
      const filter = el("input", { id: "filter", size: 30, placeholder: "filter, e.g. #a > :v" });
      const names = el("input", { id: "filter-names", size: 20, placeholder: '{"#a": "price"}' });
      const values = el("input", { id: "filter-values", size: 24, placeholder: '{":v": 10}' });
      const asJSON = el("input", { type: "checkbox", id: "as-json" });
      const results = el("div", { id: "results" });
      let lastKey = null, lastRequest = null;
      const keyTypes = Object.fromEntries(table.AttributeDefinitions.map(d => [d.AttributeName, d.AttributeType]));
      const typedKey = (attribute, text) => keyTypes[attribute] === "N" ? { N: text } : keyTypes[attribute] === "B" ? { B: text } : { S: text };
      const run = async (next) => {
        const request = next ? { ...lastRequest, ExclusiveStartKey: lastKey } : { TableName: name, Limit: 50 };
        if (!next) {
          if (source.value) request.IndexName = source.value;
          const keys = keyOf(source.value ? indexes.find(i => i.IndexName === source.value).KeySchema : table.KeySchema);
          const attributeNames = {}, attributeValues = {};
          if (mode.value === "Query") {
            attributeNames["#pk"] = keys.pk; attributeValues[":pk"] = typedKey(keys.pk, pkValue.value);
            let condition = "#pk = :pk";
            if (skOp.value && keys.sk) {
              attributeNames["#sk"] = keys.sk; attributeValues[":sk"] = typedKey(keys.sk, skValue.value);
              condition += skOp.value === "begins_with" ? " AND begins_with(#sk, :sk)" : ` AND #sk ${skOp.value} :sk`;
            }
            request.KeyConditionExpression = condition;
          }
          if (filter.value.trim()) {
            request.FilterExpression = filter.value.trim();
            Object.assign(attributeNames, JSON.parse(names.value || "{}"));
            Object.assign(attributeValues, typedItem(JSON.parse(values.value || "{}")));
          }
          if (Object.keys(attributeNames).length) request.ExpressionAttributeNames = attributeNames;
          if (Object.keys(attributeValues).length) request.ExpressionAttributeValues = attributeValues;
          request.ReturnConsumedCapacity = "TOTAL";
        }
        try {
          const page = await api(mode.value, request);
          lastRequest = request; lastKey = page.LastEvaluatedKey || null;
          render(page);
        } catch (e) { toast(e.message, true); }
      };
      const render = page => {
        const tableKeys = keyOf(table.KeySchema);
        // The table's key first, then every other attribute the page holds.
        const columns = [...new Set([tableKeys.pk, tableKeys.sk].filter(Boolean).concat(page.Items.flatMap(item => Object.keys(item).sort())))];
        const keyOfItem = item => Object.fromEntries([tableKeys.pk, tableKeys.sk].filter(Boolean).map(k => [k, item[k]]));
        const body = asJSON.checked
          ? el("pre", { id: "items-json" }, JSON.stringify(page.Items, null, 2))
          : el("table", { class: "grid", id: "items" },
            el("tr", {}, el("th", {}, ""), columns.map(c => el("th", {}, c))),
            page.Items.map(item => el("tr", {},
              el("td", {}, el("button", { class: "edit", onclick: () => editor(table, item) }, "Edit"),
                el("button", { class: "danger delete", onclick: () => deleteItem(keyOfItem(item)) }, "Delete")),
              columns.map(c => el("td", {}, item[c] ? cellText(item[c]) : "")))));
        results.replaceChildren(...[
          el("div", { class: "muted" }, `${page.Count} items, ${page.ScannedCount} read, ${(page.ConsumedCapacity || {}).CapacityUnits || 0} capacity units`),
          body, lastKey ? el("button", { id: "next-page", onclick: () => run(true) }, "Next page") : null].filter(Boolean));
      };
      const deleteItem = async key => {
        if (!confirm("Delete this item?")) return;
        try { await api("DeleteItem", { TableName: name, Key: key }); toast("Deleted"); run(false); } catch (e) { toast(e.message, true); }
      };
      state.rerun = () => run(false);
      show(el("h2", {}, name, " ", el("span", { class: "muted" }, `${table.ItemCount} items, ${table.TableSizeBytes} bytes`)),
        el("fieldset", {}, el("div", { class: "row" }, source, mode, pkValue, skOp, skValue),
          el("div", { class: "row" }, filter, names, values, el("label", {}, asJSON, " as JSON"),
            el("button", { class: "primary", id: "run", onclick: () => run(false) }, "Run"),
            el("button", { id: "new-item", onclick: () => editor(table, null) }, "New item"))),
        el("div", { id: "editor" }), results);
      run(false);
    }

    // The editor saves optimistically: an edit holds only if the item still is
    // as it was read, so a concurrent change is reported, not overwritten.
    function editor(table, original) {
      const plainMode = el("input", { type: "checkbox", id: "plain-json" });
      const text = el("textarea", { id: "item-text", spellcheck: "false" });
      const schemaKeys = table.KeySchema.map(k => k.AttributeName);
      text.value = JSON.stringify(original || Object.fromEntries(schemaKeys.map(k => [k, { S: "" }])), null, 2);
      plainMode.addEventListener("change", () => {
        try {
          const current = JSON.parse(text.value);
          text.value = JSON.stringify(plainMode.checked ? plainItem(current) : typedItem(current), null, 2);
        } catch (e) { toast("Not JSON: " + e.message, true); plainMode.checked = !plainMode.checked; }
      });
      const save = async () => {
        let item;
        try { item = JSON.parse(text.value); } catch (e) { return toast("Not JSON: " + e.message, true); }
        if (plainMode.checked) item = typedItem(item);
        const request = { TableName: table.TableName, Item: item };
        const sameKey = original && schemaKeys.every(k => JSON.stringify(original[k]) === JSON.stringify(item[k]));
        if (sameKey) {
          const names = {}, values = {};
          const parts = Object.entries(original).map(([attribute, value], i) => { names["#a" + i] = attribute; values[":v" + i] = value; return `#a${i} = :v${i}`; });
          request.ConditionExpression = parts.join(" AND ");
          request.ExpressionAttributeNames = names; request.ExpressionAttributeValues = values;
        } else {
          request.ConditionExpression = "attribute_not_exists(#k)";
          request.ExpressionAttributeNames = { "#k": schemaKeys[0] };
        }
        try {
          await api("PutItem", request);
          toast("Saved"); document.getElementById("editor").replaceChildren(); state.rerun && state.rerun();
        } catch (e) {
          toast(e.type === "ConditionalCheckFailedException"
            ? (sameKey ? "The item changed since you opened it: reload it before saving." : "An item with this key exists already.")
            : e.message, true);
        }
      };
      document.getElementById("editor").replaceChildren(el("div", { class: "dialog" },
        el("div", { class: "row" }, el("strong", {}, original ? "Edit item" : "New item"), el("label", {}, plainMode, " plain JSON")),
        text, el("div", { class: "row" }, el("button", { class: "primary", id: "save-item", onclick: save }, "Save"),
          el("button", { onclick: () => document.getElementById("editor").replaceChildren() }, "Cancel"))));
      text.focus();
    }

    // ---- PartiQL -----------------------------------------------------------
    function partiqlView() {
      const statement = el("textarea", { id: "statement", spellcheck: "false" }, 'SELECT * FROM "table" WHERE pk = \'a\'');
      const output = el("div", { id: "partiql-results" });
      let nextToken = null;
      const run = async next => {
        try {
          const request = { Statement: statement.value, ReturnConsumedCapacity: "TOTAL", ...(next ? { NextToken: nextToken } : {}) };
          const answer = await api("ExecuteStatement", request);
          nextToken = answer.NextToken || null;
          const items = answer.Items || [];
          const columns = [...new Set(items.flatMap(i => Object.keys(i)))];
          output.replaceChildren(...[el("div", { class: "muted" }, `${items.length} items, ${(answer.ConsumedCapacity || {}).CapacityUnits || 0} capacity units`),
            el("table", { class: "grid" }, el("tr", {}, columns.map(c => el("th", {}, c))), items.map(i => el("tr", {}, columns.map(c => el("td", {}, i[c] ? cellText(i[c]) : ""))))),
            nextToken ? el("button", { onclick: () => run(true) }, "Next page") : null].filter(Boolean));
        } catch (e) { output.replaceChildren(el("p", { class: "error" }, e.message)); }
      };
      statement.addEventListener("keydown", e => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(false); });
      show(el("h2", {}, "PartiQL"), statement, el("div", { class: "row" }, el("button", { class: "primary", id: "run-statement", onclick: () => run(false) }, "Run (Ctrl+Enter)")), output);
    }

    // ---- Live view ---------------------------------------------------------
    function parseMetrics(text) {
      const samples = [];
      for (const line of text.split("\n")) {
        const match = /^([a-z_]+)(\{([^}]*)\})?\s+([0-9.eE+-]+|NaN)/.exec(line);
        if (!match) continue;
        const labels = Object.fromEntries([...(match[3] || "").matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]));
        samples.push({ name: match[1], labels, value: Number(match[4]) });
      }
      return samples;
    }
    function sparkline(values, id) {
      const points = values.length > 1 ? values : [0, ...values, 0].slice(-2);
      const width = 240, height = 40, max = Math.max(1, ...points);
      const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("width", width); svg.setAttribute("height", height); svg.setAttribute("class", "chart"); svg.setAttribute("id", id);
      const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
      line.setAttribute("fill", "none"); line.setAttribute("stroke", "#4f8cff"); line.setAttribute("stroke-width", "2");
      line.setAttribute("points", points.map((p, i) => `${i * width / Math.max(1, points.length - 1)},${height - 2 - p / max * (height - 4)}`).join(" "));
      svg.append(line);
      return svg;
    }
    async function liveView() {
      const tables = await describeAll();
      const charts = el("div", { id: "live-charts" });
      const tail = el("div", { id: "stream-tail" });
      const history = { requests: [], throttled: [] };
      let previous = null, consumed = null;
      const poll = async () => {
        if (state.page !== "live") return;
        try {
          const response = await fetch("/metrics");
          const samples = parseMetrics(await response.text());
          const total = name => samples.filter(s => s.name === name).reduce((a, s) => a + s.value, 0);
          const now = { at: performance.now(), requests: total("strata_requests_total"), throttled: total("strata_throttled_requests_total") };
          if (previous) {
            const seconds = (now.at - previous.at) / 1000;
            history.requests.push((now.requests - previous.requests) / seconds); history.throttled.push((now.throttled - previous.throttled) / seconds);
            for (const series of Object.values(history)) if (series.length > 60) series.shift();
          }
          previous = now;
          const byTable = name => Object.fromEntries(samples.filter(s => s.name === name).map(s => [s.labels.table, s.value]));
          const items = byTable("strata_table_items"), bytes = byTable("strata_table_bytes"), pending = byTable("strata_index_changes_pending");
          // Units per second since the last poll, from each table's running total.
          const consumedNow = { requests: byTable("strata_table_admitted_requests"), read: byTable("strata_table_consumed_read_units"),
            write: byTable("strata_table_consumed_write_units"), at: performance.now() };
          const rate = (kind, table) => {
            if (!consumed || consumed[kind][table] === undefined || consumedNow[kind][table] === undefined) return 0;
            const before = consumed[kind][table];
            return Math.max(0, (consumedNow[kind][table] - before) / ((consumedNow.at - consumed.at) / 1000));
          };
          const usage = t => {
            const provisioned = t.ProvisionedThroughput && t.ProvisionedThroughput.ReadCapacityUnits;
            const read = rate("read", t.TableName).toFixed(1), write = rate("write", t.TableName).toFixed(1);
            return provisioned ? `${read} / ${t.ProvisionedThroughput.ReadCapacityUnits} RCU, ${write} / ${t.ProvisionedThroughput.WriteCapacityUnits} WCU`
              : `${read} RCU/s, ${write} WCU/s (on demand)`;
          };
          const throttled = {};
          for (const s of samples.filter(s => s.name === "strata_throttled_requests_total" && s.labels.table)) throttled[s.labels.table] = (throttled[s.labels.table] || 0) + s.value;
          charts.replaceChildren(
            el("div", { class: "row" }, el("span", {}, `requests/s: ${(history.requests.at(-1) || 0).toFixed(1)}`), sparkline(history.requests, "chart-requests"),
              el("span", {}, `throttled/s: ${(history.throttled.at(-1) || 0).toFixed(1)}`), sparkline(history.throttled, "chart-throttled")),
            el("table", { class: "grid", id: "live-tables" }, el("tr", {}, ["Table", "Requests/s", "Items", "Bytes", "Throttled (total)", "Index changes pending", "Consumed per second / capacity"].map(h => el("th", {}, h))),
              tables.map(t => el("tr", { "data-table": t.TableName }, el("td", {}, t.TableName),
                el("td", { class: "requests" }, rate("requests", t.TableName).toFixed(1)), el("td", {}, items[t.TableName] ?? ""), el("td", {}, bytes[t.TableName] ?? ""),
                el("td", {}, throttled[t.TableName] || 0), el("td", {}, pending[t.TableName] ?? 0), el("td", { class: "usage" }, usage(t))))));
          consumed = consumedNow;
        } catch (e) { charts.replaceChildren(el("p", { class: "error" }, "metrics: " + e.message)); }
        setTimeout(poll, 1000);
      };
      const streamed = tables.filter(t => t.LatestStreamArn && t.StreamSpecification);
      const pick = el("select", { id: "stream-table" }, streamed.map(t => el("option", { value: t.LatestStreamArn }, t.TableName)));
      const watch = async () => {
        const arn = pick.value; if (!arn) return;
        const shards = (await streamsApi("DescribeStream", { StreamArn: arn })).StreamDescription.Shards;
        const iterators = await Promise.all(shards.map(async s => (await streamsApi("GetShardIterator", { StreamArn: arn, ShardId: s.ShardId, ShardIteratorType: "LATEST" })).ShardIterator));
        const list = el("ul", { id: "stream-records" });
        tail.replaceChildren(el("p", { class: "muted" }, "Watching for new records..."), list);
        const read = async () => {
          if (state.page !== "live" || pick.value !== arn) return;
          for (let i = 0; i < iterators.length; i++) {
            if (!iterators[i]) continue;
            const page = await streamsApi("GetRecords", { ShardIterator: iterators[i] });
            iterators[i] = page.NextShardIterator;
            for (const record of page.Records) {
              const data = record.dynamodb;
              list.prepend(el("li", { class: "stream-record" }, `${record.eventName} ${JSON.stringify(plainItem(data.Keys))} `,
                data.NewImage ? JSON.stringify(plainItem(data.NewImage)) : ""));
            }
          }
          setTimeout(read, 1000);
        };
        read();
      };
      show(el("h2", {}, "Live"), charts, el("h2", {}, "Stream tail"),
        streamed.length ? el("div", { class: "row" }, pick, el("button", { id: "watch-stream", onclick: () => watch().catch(e => toast(e.message, true)) }, "Watch")) : el("p", { class: "muted" }, "No table has a stream."),
        tail);
      poll();
    }

    // ---- Routing -----------------------------------------------------------
    async function route() {
      const hash = location.hash || "#/tables";
      for (const link of document.querySelectorAll("header nav a")) link.classList.toggle("active", hash.startsWith(link.getAttribute("href")));
      try {
        if (hash.startsWith("#/table/")) { state.page = "table"; await tableView(decodeURIComponent(hash.slice(8))); }
        else if (hash === "#/partiql") { state.page = "partiql"; partiqlView(); }
        else if (hash === "#/live") { state.page = "live"; await liveView(); }
        else { state.page = "tables"; await tablesView(); }
      } catch (e) {
        if (!state.asked) show(el("p", { class: "error" }, e.message));
      }
    }
    window.addEventListener("hashchange", route);
    route();
    """#
}
