// electron-builder's beforePack hook (electron-builder.yml), once per platform and architecture:
// a release checks its signing variables first; then the Node runtime the app ships for its
// bridge is put where extraResources takes it from (build/runtime/<os>-<arch>).
import * as BridgeRuntime from './bridgeRuntime.mjs'
import * as Signing from './signing.mjs'

/** builder-util's Arch, by number. */
const arches = ['ia32', 'x64', 'armv7l', 'arm64', 'universal']

export default async function beforePack(context) {
  const { packager } = context
  const os = packager.platform.buildConfigurationKey
  const arch = arches[context.arch]
  if (packager.config.forceCodeSigning) {
    const problems = Signing.missing(os, process.env)
    if (problems.length > 0) throw new Error(`A release for ${os} must be signed; set:\n- ${problems.join('\n- ')}`)
  }
  // A universal macOS app is the merge of its x64 and arm64 builds, each of which brings its own runtime.
  if (arch === 'universal') return
  await BridgeRuntime.provide({ projectDir: packager.projectDir, os, arch })
}
