'use strict';
// Compiles dev/contracts/*.sol with the solc-js pinned in package.json (no downloaded compiler binary) and
// caches the artifacts in dev/build/, keyed by the compiler version and the sources. compileWith() does the same
// for other source sets (dev/smart-wallet.js: the Coinbase Smart Wallet with its own pinned compiler).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const CONTRACTS = path.join(__dirname, 'contracts');
const BUILD = path.join(__dirname, 'build');
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
};

/** Imports that are not among the sources come from dev/node_modules, through {@code remap} (prefix -> package path). */
function importer(remap) {
  return (importPath) => {
    let resolved = importPath;
    for (const [prefix, target] of Object.entries(remap)) {
      if (importPath.startsWith(prefix)) {
        resolved = target + importPath.slice(prefix.length);
        break;
      }
    }
    try {
      return { contents: fs.readFileSync(require.resolve(resolved, { paths: [__dirname] }), 'utf8') };
    } catch (e) {
      return { error: `cannot find ${importPath}: ${e.message}` };
    }
  };
}

/** @returns {Record<string, {abi: object[], bytecode: string}>} artifacts by contract name */
function compile() {
  const sources = {};
  for (const file of fs.readdirSync(CONTRACTS).filter((f) => f.endsWith('.sol')).sort()) {
    sources[`contracts/${file}`] = { content: fs.readFileSync(path.join(CONTRACTS, file), 'utf8') };
  }
  return compileWith({ solcPackage: 'solc', sources, settings: SETTINGS, remap: {}, ours: (file) => file.startsWith('contracts/') });
}

/**
 * Compiles {@code sources} (source unit name -> {content}) with the solc-js package {@code solcPackage}, caching the
 * artifacts of the files {@code ours} selects in dev/build/.
 */
function compileWith({ solcPackage, sources, settings, remap, ours }) {
  const key = crypto
    .createHash('sha256')
    .update(require(`${solcPackage}/package.json`).version)
    .update(JSON.stringify(settings))
    .update(JSON.stringify(remap))
    .update(JSON.stringify(sources))
    .digest('hex')
    .slice(0, 16);
  const cached = path.join(BUILD, `artifacts-${key}.json`);
  if (fs.existsSync(cached)) {
    return JSON.parse(fs.readFileSync(cached, 'utf8'));
  }
  const solc = require(solcPackage); // loaded only here: its compiler is large
  const input = { language: 'Solidity', sources, settings };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: importer(remap) }));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    throw new Error('solc failed:\n' + errors.map((e) => e.formattedMessage).join('\n'));
  }
  const artifacts = {};
  for (const [file, contracts] of Object.entries(output.contracts)) {
    if (!ours(file)) continue;
    for (const [name, c] of Object.entries(contracts)) {
      artifacts[name] = { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object };
    }
  }
  fs.mkdirSync(BUILD, { recursive: true });
  const tmp = `${cached}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(artifacts));
  fs.renameSync(tmp, cached);
  return artifacts;
}

module.exports = { compile, compileWith };

if (require.main === module) {
  const artifacts = compile();
  for (const [name, a] of Object.entries(artifacts)) {
    console.log(`${name}: ${(a.bytecode.length - 2) / 2} bytes`);
  }
}
