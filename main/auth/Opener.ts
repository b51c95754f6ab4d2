import { spawn } from 'node:child_process'

/**
 * Opens a web page in the user's browser through the platform's own opener: `xdg-open` on Linux
 * and the BSDs (which honours `$BROWSER`), `open` on macOS, the URL protocol handler on Windows.
 * The URL is an argument of that one process, never a shell string. Resolves whether the opener
 * started; a person can always open the link the card shows instead.
 */
export function open(url: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const [command, args] = opener(url, platform)
  return new Promise((resolve) => {
    let child
    try {
      child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true })
    } catch {
      return resolve(false)
    }
    child.once('error', () => resolve(false))
    child.once('spawn', () => {
      child.unref()
      resolve(true)
    })
  })
}

export function opener(url: string, platform: NodeJS.Platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]]
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]]
  return ['xdg-open', [url]]
}
