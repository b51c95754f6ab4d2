import { BrowserWindow, ipcMain } from 'electron'
import * as z from 'zod'
import type * as UiApi from '../companion/UiApi.js'
import * as UiRoute from '../companion/UiRoute.js'
import type { Reply } from '../uiapi/Contract.js'
import * as RendererProtocol from './RendererProtocol.js'
import * as UiChannels from './UiChannels.js'

/**
 * The UI API's transport in the desktop app: requests over IPC from the app's own UI page only,
 * and the API's live events sent to every window showing it. The same routes and replies as the
 * headless HTTP transport, so the renderer cannot tell them apart.
 */
export function serve(ui: UiApi.UiApi): () => void {
  ipcMain.handle(UiChannels.request, (event, request: unknown) => answer(ui, event.senderFrame?.url, request))
  const stopEvents = ui.subscribe((event) => {
    for (const window of BrowserWindow.getAllWindows()) {
      if (!window.isDestroyed() && RendererProtocol.isPage(window.webContents.getURL())) window.webContents.send(UiChannels.event, event)
    }
  })
  return () => {
    ipcMain.removeHandler(UiChannels.request)
    stopEvents()
  }
}

const Request = z.strictObject({
  method: z.enum(['GET', 'POST', 'PATCH']),
  path: z.string().startsWith('/api/', 'the path starts with /api/').max(4096),
  body: z.unknown().optional(),
})

/** Answers one request from the frame at `senderUrl`; a foreign frame or a malformed request gets a refusal and changes nothing. */
export async function answer(ui: UiApi.UiApi, senderUrl: string | undefined, request: unknown): Promise<Reply> {
  if (!RendererProtocol.isPage(senderUrl)) return UiRoute.failure(403, "Only Allowance's own windows may use its UI API.")
  const parsed = Request.safeParse(request)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return UiRoute.failure(400, `Invalid UI API request: ${issue?.path.join('.') || 'request'}: ${issue?.message}.`)
  }
  return ui.handle(parsed.data)
}

