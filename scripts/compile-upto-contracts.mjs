// Regenerates test/fixtures/contracts/UptoContracts.json: Uniswap's Permit2 and x402's
// x402UptoPermit2Proxy, compiled from their published sources at pinned commits with the compiler
// settings of each project's foundry.toml, so that the test chain can run x402's `upto` scheme.
// Both are deployed through Arachnid's CREATE2 deployer with their published salts; the script
// refuses to write an artifact whose init code would not land at the canonical address that
// @x402/evm names, which proves the build is the published one.
//
// solc is not a dependency: this runs solc-js through npx (first run fetches it from npm). The
// sources are read with `git show` from clones of the four repositories, passed as arguments:
//
//   git clone https://github.com/Uniswap/permit2            (and fetch the pinned commit)
//   git clone https://github.com/transmissions11/solmate
//   git clone https://github.com/coinbase/x402
//   git clone https://github.com/OpenZeppelin/openzeppelin-contracts
//   node scripts/compile-upto-contracts.mjs <permit2> <solmate> <x402> <openzeppelin-contracts>
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, posix } from 'node:path'
import { concatHex, encodeAbiParameters, getAddress, getContractAddress, keccak256 } from 'viem'
import { PERMIT2_ADDRESS, x402UptoPermit2ProxyAddress } from '@x402/evm'
import { compile as solcjs } from './solc.mjs'

const artifact = 'test/fixtures/contracts/UptoContracts.json'
/** Arachnid's deterministic deployer, through which both were deployed (anvil has it at genesis). */
const create2Deployer = '0x4e59b44847b379578588920cA78FbF26c0B4956C'

const [permit2Dir, solmateDir, x402Dir, openzeppelinDir] = process.argv.slice(2)
if (!openzeppelinDir) {
  console.error('usage: node scripts/compile-upto-contracts.mjs <permit2> <solmate> <x402> <openzeppelin-contracts>')
  process.exit(2)
}

/**
 * Each build: its repositories at the commits pinned by the project (Permit2 at the commit x402's
 * contracts/evm/lib/permit2 submodule names, solmate at the one Permit2's lib/solmate names, and
 * OpenZeppelin at the one x402's lib/openzeppelin-contracts names), the import remappings and
 * compiler settings of its foundry.toml, and its CREATE2 salt from its deploy script.
 */
const builds = [
  {
    name: 'Permit2',
    solc: '0.8.17',
    entry: 'src/Permit2.sol',
    // Permit2's foundry.toml: solc 0.8.17, via_ir, optimizer_runs 1000000, bytecode_hash "none".
    settings: { viaIR: true, optimizer: { enabled: true, runs: 1_000_000 }, metadata: { bytecodeHash: 'none' } },
    roots: [
      { prefix: '', repo: 'Uniswap/permit2', dir: permit2Dir, commit: 'cc56ad0f3439c502c246fc5cfcc3db92bb8b7219', under: '' },
      { prefix: 'lib/solmate/', repo: 'transmissions11/solmate', dir: solmateDir, commit: '8d910d876f51c3b2585c9109409d601f600e68e1', under: '' },
    ],
    remappings: ['solmate/=lib/solmate/'],
    // script/DeployPermit2.s.sol
    salt: '0x0000000000000000000000000000000000000000d3af2663da51c10215000000',
    constructorArgs: '0x',
    address: PERMIT2_ADDRESS,
  },
  {
    name: 'x402UptoPermit2Proxy',
    solc: '0.8.28',
    entry: 'src/x402UptoPermit2Proxy.sol',
    // x402's contracts/evm/foundry.toml: solc 0.8.28, optimizer_runs 200, no via_ir, cbor_metadata false, bytecode_hash "none".
    settings: { optimizer: { enabled: true, runs: 200 }, metadata: { bytecodeHash: 'none', appendCBOR: false } },
    roots: [
      { prefix: '', repo: 'coinbase/x402', dir: x402Dir, commit: 'dd927a26cfefc98c24b3ec38b3a8f204dad0c60d', under: 'contracts/evm/' },
      { prefix: 'lib/openzeppelin-contracts/', repo: 'OpenZeppelin/openzeppelin-contracts', dir: openzeppelinDir, commit: 'fcbae5394ae8ad52d8e580a3477db99814b9d565', under: '' },
    ],
    remappings: ['@openzeppelin/contracts/=lib/openzeppelin-contracts/contracts/'],
    // contracts/evm/script/Deploy.s.sol (UPTO_SALT); its constructor takes the canonical Permit2.
    salt: '0x000000000000000000000000000000000000000000000000b000000001db633d',
    constructorArgs: encodeAbiParameters([{ type: 'address' }], [PERMIT2_ADDRESS]),
    address: x402UptoPermit2ProxyAddress,
  },
]

/** A file at a source unit name, read from the root whose prefix it starts with. */
function read(build, unit) {
  const root = build.roots.filter((candidate) => unit.startsWith(candidate.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0]
  return execFileSync('git', ['-C', root.dir, 'show', `${root.commit}:${root.under}${unit.slice(root.prefix.length)}`], { encoding: 'utf8', maxBuffer: 1 << 24 })
}

/** Every source unit the entry imports, transitively, under foundry's naming (project-relative, remapped). */
function sources(build) {
  const found = {}
  const pending = [build.entry]
  while (pending.length > 0) {
    const unit = pending.pop()
    if (found[unit]) continue
    const content = read(build, unit)
    found[unit] = { content }
    for (const [, path] of content.matchAll(/^\s*import\s+(?:[^'"]*\s+from\s+)?["']([^"']+)["']/gm)) {
      const remap = build.remappings.map((entry) => entry.split('=')).find(([from]) => path.startsWith(from))
      pending.push(path.startsWith('.') ? posix.normalize(posix.join(posix.dirname(unit), path)) : remap ? remap[1] + path.slice(remap[0].length) : path)
    }
  }
  return found
}

function compile(build) {
  const input = {
    language: 'Solidity',
    sources: sources(build),
    settings: { ...build.settings, remappings: build.remappings, outputSelection: { [build.entry]: { [build.name]: ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } } },
  }
  const output = solcjs(`solc@${build.solc}`, input)
  const contract = output.contracts[build.entry][build.name]
  const initCode = concatHex([`0x${contract.evm.bytecode.object}`, build.constructorArgs])
  const landsAt = getContractAddress({ opcode: 'CREATE2', from: create2Deployer, salt: build.salt, bytecodeHash: keccak256(initCode) })
  if (getAddress(landsAt) !== getAddress(build.address)) throw new Error(`${build.name}: the build lands at ${landsAt}, not at the canonical ${build.address}; it is not the published one`)
  console.log(`${build.name}: CREATE2 lands at the canonical ${landsAt} (${Object.keys(input.sources).length} sources)`)
  return {
    address: getAddress(build.address),
    salt: build.salt,
    initCode,
    abi: contract.abi,
    provenance: {
      sources: build.roots.map(({ repo, commit, under }) => ({ repo, commit, ...(under && { path: under }) })),
      entry: build.entry,
      compiler: `solc-js ${build.solc}`,
      settings: { ...build.settings, remappings: build.remappings },
      deployer: create2Deployer,
    },
  }
}

const result = Object.fromEntries(builds.map((build) => [build.name, compile(build)]))
mkdirSync(dirname(artifact), { recursive: true })
writeFileSync(artifact, `${JSON.stringify({ create2Deployer, ...result }, null, 2)}\n`)
console.log(`wrote ${artifact}`)
