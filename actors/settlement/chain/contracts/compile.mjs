// Compiles the vault and the test token with the pinned solc npm package (no network) and writes
// one artifact per contract, {"abi": [...], "bytecode": "0x..."}, into the folder given as argv[2].
// Usage: node compile.mjs OUT_DIR   (run from a folder where `npm ci` installed package.json)
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(join(process.cwd(), "package.json"));
const solc = require("solc");
const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2];
if (!outDir) {
  console.error("usage: node compile.mjs OUT_DIR");
  process.exit(2);
}
const sources = ["TestToken.sol", "SettlementVault.sol"];
const input = {
  language: "Solidity",
  sources: Object.fromEntries(sources.map((file) => [file, { content: readFileSync(join(here, file), "utf8") }])),
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "cancun",
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const problems = (output.errors ?? []).filter((e) => e.severity === "error" || e.type === "Warning");
for (const problem of problems) console.error(problem.formattedMessage);
if ((output.errors ?? []).some((e) => e.severity === "error")) process.exit(1);
mkdirSync(outDir, { recursive: true });
for (const file of sources) {
  for (const [name, contract] of Object.entries(output.contracts[file])) {
    if (contract.evm.bytecode.object.length === 0) continue;  // interfaces
    const artifact = { abi: contract.abi, bytecode: "0x" + contract.evm.bytecode.object, compiler: solc.version() };
    writeFileSync(join(outDir, `${name}.json`), JSON.stringify(artifact, null, 1) + "\n");
    console.log(`compiled ${name} (${contract.evm.bytecode.object.length / 2} bytes) into ${outDir}`);
  }
}
