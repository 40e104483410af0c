// The SPARQL query page: load an example, run the query with fetch, show a table or the text.
(function () {
  "use strict";
  const form = document.getElementById("sparql-form");
  const editor = document.getElementById("query");
  const status = document.getElementById("status");
  const output = document.getElementById("results");
  const download = document.getElementById("download");
  const downloadFormat = document.getElementById("download-format");
  const examples = JSON.parse(document.getElementById("examples-data").textContent);

  document.querySelectorAll("button[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      editor.value = examples[button.dataset.example].text;
      editor.focus();
    });
  });
  editor.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  download.addEventListener("click", function () {
    download.href = "/sparql?format=" + downloadFormat.value +
      "&query=" + encodeURIComponent(editor.value);
  });

  function element(name, text) {
    const node = document.createElement(name);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function term(value) {
    if (!value) return "";
    if (value.type === "uri") return "<" + value.value + ">";
    if (value.type === "bnode") return "_:" + value.value;
    if (value.type === "triple") {
      const t = value.value;
      return "<< " + term(t.subject) + " " + term(t.predicate) + " " + term(t.object) + " >>";
    }
    if (value["xml:lang"]) return JSON.stringify(value.value) + "@" + value["xml:lang"];
    if (value.datatype) return JSON.stringify(value.value) + "^^<" + value.datatype + ">";
    return JSON.stringify(value.value);
  }
  function table(data) {
    const vars = data.head.vars;
    const result = element("table");
    result.append(element("caption", data.results.bindings.length + " filas"));
    const header = element("tr");
    vars.forEach(function (name) {
      const th = element("th", "?" + name);
      th.scope = "col";
      header.append(th);
    });
    result.append(element("thead"));
    result.tHead.append(header);
    const body = element("tbody");
    data.results.bindings.forEach(function (binding) {
      const row = element("tr");
      vars.forEach(function (name) { row.append(element("td", term(binding[name]))); });
      body.append(row);
    });
    result.append(body);
    return result;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    status.textContent = "Ejecutando…";
    output.replaceChildren();
    const started = performance.now();
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        headers: {
          "Content-Type": "application/sparql-query",
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: editor.value,
      });
    } catch (error) {
      status.textContent = "No se pudo contactar el servicio: " + error;
      return;
    }
    const elapsed = Math.round(performance.now() - started) + " ms";
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      const problem = type.includes("json") ? await response.json() : { detail: await response.text() };
      const message = element("p", problem.detail || response.statusText);
      message.className = "error";
      message.setAttribute("role", "alert");
      output.append(message);
      status.textContent = "Error " + response.status + (problem.code ? " (" + problem.code + ")" : "");
      return;
    }
    let summary;
    if (type.startsWith("application/sparql-results+json")) {
      const data = await response.json();
      if ("boolean" in data) {
        output.append(element("p", data.boolean ? "Sí (true)" : "No (false)"));
        summary = "ASK";
      } else {
        output.append(table(data));
        summary = data.results.bindings.length + " filas";
      }
    } else {
      const text = await response.text();
      output.append(element("pre", text));
      summary = "grafo";
    }
    if (response.headers.get("X-Result-Truncated") === "true") {
      summary += ", truncado al límite de " + response.headers.get("X-Result-Limit");
    }
    status.textContent = summary + " en " + elapsed;
  });
})();
