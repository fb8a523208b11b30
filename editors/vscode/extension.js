// Starts `aslc lsp` for .sfn pipelines and *.asl.json state machines.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("aslc").get("path") || "aslc";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "aslc",
    "aslc",
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: "file", language: "sfn" },
        { scheme: "file", pattern: "**/*.asl.json" },
      ],
    }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
