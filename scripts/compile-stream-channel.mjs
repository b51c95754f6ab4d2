// Regenerates main/demo/contracts/TempoStreamChannel.json ({ provenance, abi, bytecode }): the
// Solidity stream-channel escrow that mppx's legacy `tempo` session method talks to. Anvil's Tempo
// mode has no TIP-1034 escrow precompile, so tests deploy this contract instead.
//
// The source is tempoxyz/tempo's own legacy contract, read at a pinned commit from a local clone
// (nothing of it is copied into this repository); its two interfaces are the ones that repository's
// gas test compiles it with. Its ABI is exactly the one mppx's legacy session code uses, but its
// EIP-712 domain is named "TempoStreamChannel", where the deployed escrows (tempoxyz/mpp-specs
// packages/stream-channels) and mppx's voucher signing use "Tempo Stream Channel": that one name is
// patched before compiling (recorded in the artifact), or no voucher mppx signs would verify.
// solc-js runs through npx (the first run fetches it from npm).
//
//   node scripts/compile-stream-channel.mjs <git dir of a tempoxyz/tempo clone>
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { compile } from './solc.mjs'

const SOLC = 'solc@0.8.30'
const repository = 'tempoxyz/tempo'
const commit = 'a3013e85246746804e43a599e3c4d9f4f4adac40'
const contractPath = 'tips/verify/src/LegacyTempoStreamChannel.sol'
const interfacesPath = 'crates/node/tests/it/gas/legacy_stream_channel_contract.rs'
const artifact = 'main/demo/contracts/TempoStreamChannel.json'

const gitDir = process.argv[2]
if (!gitDir) {
  console.error('usage: node scripts/compile-stream-channel.mjs <git dir of a tempoxyz/tempo clone>')
  process.exit(2)
}
const show = (path) => execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${path}`], { encoding: 'utf8' })

/** The Rust test keeps each interface's Solidity in a raw string constant: `const NAME: &str = r#"…"#;`. */
function rawString(rust, name) {
  const match = rust.match(new RegExp(`const ${name}: &str = r#"([\\s\\S]*?)"#;`))
  if (!match) throw new Error(`${interfacesPath} at ${commit} has no ${name}`)
  return match[1]
}

const domainPatch = { from: 'keccak256("TempoStreamChannel")', to: 'keccak256("Tempo Stream Channel")' }
const original = show(contractPath)
if (original.split(domainPatch.from).length !== 2) throw new Error(`${contractPath} at ${commit} no longer names its domain ${domainPatch.from}`)
const contract = original.replace(domainPatch.from, domainPatch.to)
const rust = show(interfacesPath)
const sources = {
  'LegacyTempoStreamChannel.sol': { content: contract },
  'tempo-std/interfaces/ITIP20.sol': { content: rawString(rust, 'ITIP20_SOURCE') },
  'tempo-std/interfaces/ITempoStreamChannel.sol': { content: rawString(rust, 'I_TEMPO_STREAM_CHANNEL_SOURCE') },
}
const input = {
  language: 'Solidity',
  sources,
  settings: {
    // The same settings as the upstream gas test (via-IR, optimizer, cancun, no metadata hash).
    viaIR: true,
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    metadata: { bytecodeHash: 'none' },
    outputSelection: { 'LegacyTempoStreamChannel.sol': { LegacyTempoStreamChannel: ['abi', 'evm.bytecode.object'] } },
  },
}

const output = compile(SOLC, input)
const compiled = output.contracts['LegacyTempoStreamChannel.sol'].LegacyTempoStreamChannel
const sha256 = (text) => createHash('sha256').update(text).digest('hex')
const result = {
  provenance: {
    repository,
    commit,
    files: Object.fromEntries([[contractPath, sha256(original)], [interfacesPath, sha256(rust)]]),
    patch: `${contractPath}: ${domainPatch.from} -> ${domainPatch.to} (the EIP-712 domain name of the deployed escrows and of mppx's vouchers)`,
    compiler: SOLC,
  },
  abi: compiled.abi,
  bytecode: `0x${compiled.evm.bytecode.object}`,
}
writeFileSync(artifact, `${JSON.stringify(result, null, 2)}\n`)
console.log(`wrote ${artifact} (${compiled.evm.bytecode.object.length / 2} bytes of bytecode)`)
