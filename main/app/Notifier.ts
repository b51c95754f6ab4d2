import { Notification } from 'electron'
import * as Notices from '../companion/Notices.js'

/** Shows the notices the companion decides on as native notifications; a click opens the main window. */
export function start(companion: Notices.Source, options: { onClick(): void }): () => void {
  return Notices.start(companion, (notice) => {
    if (!Notification.isSupported()) return
    const notification = new Notification(notice)
    notification.on('click', () => options.onClick())
    notification.show()
  })
}
