// Approval popups follow the queue: one opens when a payment starts waiting, and closes when
// the payment is answered, wherever that happens.
import { setImmediate as nextTurn } from 'node:timers/promises'
import { beforeEach, expect, test, vi } from 'vitest'
import * as ApprovalPopups from '../../../main/app/ApprovalPopups.js'
import { openCompanion, waiting } from './companion.js'
import * as electron from './electron.js'

vi.mock('electron', () => import('./electron.js'))

beforeEach(() => electron.reset())

const popupOf = (paymentId: number) => electron.BrowserWindow.windows.find((window) => window.webContents.url.endsWith(`#approval=${paymentId}`))
const openPopups = () => electron.BrowserWindow.getAllWindows().map((window) => Number(window.webContents.url.split('#approval=')[1]))

test('a popup opens, on top, when a payment starts waiting and closes when it is answered', async () => {
  const companion = openCompanion()
  ApprovalPopups.start(companion.queue, { overflow: () => {} })
  const { paymentId, decision } = waiting(companion)
  const popup = popupOf(paymentId)!
  expect(popup.options).toMatchObject({ alwaysOnTop: true, width: ApprovalPopups.size.width, height: ApprovalPopups.size.height })
  expect(popup.destroyed).toBe(false)

  companion.queue.approve(paymentId) // e.g. in the main window
  await decision
  expect(popup.destroyed).toBe(true)
})

test('a popup closes when its payment times out or the agent gives up', async () => {
  const companion = openCompanion()
  ApprovalPopups.start(companion.queue, { overflow: () => {} })
  const first = waiting(companion)
  const second = waiting(companion)
  companion.queue.cancel(first.paymentId)
  expect(popupOf(first.paymentId)!.destroyed).toBe(true)
  expect(popupOf(second.paymentId)!.destroyed).toBe(false)
  await first.decision
})

test('payments already waiting when the app starts get their popups', () => {
  const companion = openCompanion()
  const { paymentId } = waiting(companion)
  ApprovalPopups.start(companion.queue, { overflow: () => {} })
  expect(openPopups()).toEqual([paymentId])
})

test(`at most ${ApprovalPopups.maxOpen} popups at once: the rest wait in the main window, and get a popup as others close`, async () => {
  const companion = openCompanion()
  const overflow = vi.fn()
  ApprovalPopups.start(companion.queue, { overflow })
  const payments = Array.from({ length: 5 }, () => waiting(companion))
  const ids = payments.map((payment) => payment.paymentId)
  expect(openPopups()).toEqual(ids.slice(0, 3))
  expect(overflow).toHaveBeenCalledTimes(2)

  companion.queue.decline(ids[0]!)
  await nextTurn()
  expect(openPopups()).toEqual([ids[1], ids[2], ids[3]])

  // Decline all closes them without popping up the ones it is declining.
  const before = electron.BrowserWindow.windows.length
  companion.queue.declineAll()
  await nextTurn()
  expect(openPopups()).toEqual([])
  expect(electron.BrowserWindow.windows.length).toBe(before)
})

test('a popup the user closes unanswered stays closed until asked for from the tray', async () => {
  const companion = openCompanion()
  const popups = ApprovalPopups.start(companion.queue, { overflow: () => {} })
  const first = waiting(companion)
  const second = waiting(companion)
  popupOf(first.paymentId)!.close() // the window's close button
  companion.queue.decline(second.paymentId)
  await nextTurn()
  expect(openPopups()).toEqual([])

  popups.show(first.paymentId)
  expect(openPopups()).toEqual([first.paymentId])
  const reopened = electron.BrowserWindow.getAllWindows()[0]!
  popups.show(first.paymentId) // asked again: the same window comes forward
  expect(openPopups()).toEqual([first.paymentId])
  expect(reopened.focused).toBe(true)

  popups.close()
  expect(openPopups()).toEqual([])
  waiting(companion)
  expect(openPopups()).toEqual([]) // stopped following the queue
})
