// `allowance status`, `pause` and `resume`: what the companion reports, and the kill switch it obeys.
import { describe, expect, it } from 'vitest'
import { cli, homes, ok, requestPayment } from '../../helpers/cli.js'
import { recipient } from '../../helpers/challenges.js'
import { companionClient, startDaemon } from '../../helpers/companion.js'

const home = homes()
const upstream = 'https://tools.example.com/mcp'

describe('allowance status', () => {
  it('says the companion is not running, without starting one', async () => {
    const directory = await home()
    const status = JSON.parse(await ok(directory, ['status', '--json']))
    expect(status).toMatchObject({ companion: { running: false }, bridges: 0, pendingApprovals: 0, paused: false, today: { spent: [] } })
    expect(await ok(directory, ['status'])).toMatch(/^Companion: +not running/)
    expect(JSON.parse(await ok(directory, ['status', '--json'])).companion.running).toBe(false)
    const open = await cli(directory, ['open'])
    expect(open).toMatchObject({ code: 1, stdout: '' })
    expect(open.stderr).toContain('no companion is running')
  })

  it('reports bridges, payments waiting, the kill switch and what was spent today', async () => {
    const directory = await home({ wallet: true })
    await ok(directory, ['rules', 'add', 'auto-approve', '0.05', '--server', upstream, '--tool', 'search', '--recipient', recipient, '--force'])
    const daemon = await startDaemon(directory)
    const bridge = companionClient(directory, { hello: { role: 'bridge', upstream } })
    expect(await requestPayment(bridge, { upstream, amount: '12345' }).result).toMatchObject({ kind: 'approved' })
    void requestPayment(bridge, { upstream, target: 'other' }).result.catch(() => {})
    await expect.poll(async () => (await daemon.api('GET', '/api/approvals')).body.length, { timeout: 10_000 }).toBe(1)

    const status = JSON.parse(await ok(directory, ['status', '--json']))
    expect(status).toMatchObject({
      companion: { running: true, pid: daemon.process.pid, version: expect.any(String) },
      bridges: 1,
      pendingApprovals: 1,
      paused: false,
      today: { spent: [{ unit: 'usd', amount: '12345', formatted: '$0.012345' }] },
    })
    const text = await ok(directory, ['status'])
    expect(text).toMatch(new RegExp(`^Companion: +running \\(pid ${daemon.process.pid}, `))
    expect(text).toMatch(/^Bridges connected: +1$/m)
    expect(text).toMatch(/^Waiting for you: +1 payment$/m)
    expect(text).toMatch(/^Payments: +active$/m)
    expect(text).toMatch(/^Spent today: +\$0\.012345$/m)
    // Where to answer, and whether the companion can sign now, from the companion itself.
    expect(text).toContain(`UI:                 ${daemon.ui.href}\n`)
    expect(text).toMatch(/^Wallet: +0x[0-9a-fA-F]{40}, can sign \(key in an encrypted file, unlocked\)$/m)
    expect(status).toMatchObject({ ui: daemon.ui.href, wallet: { store: 'file', locked: false, canSign: true } })
    expect(await ok(directory, ['open'])).toBe(`${daemon.ui.href}\n`)
    // The terminal the headless companion runs in says what waits.
    expect(daemon.stdout()).toMatch(/^Waiting for you: Payment of 0\.01 USDC to tools\.example\.com for `other`, asked by Claude Code \(answer within \d+ s in the Allowance UI\)\.$/m)

    expect(await ok(directory, ['pause'])).toBe('Payments paused: every payment is declined until `allowance resume`.\n')
    expect(JSON.parse(await ok(directory, ['status', '--json'])).paused).toBe(true)
    expect(await requestPayment(bridge, { upstream, amount: '10000' }).result).toMatchObject({ kind: 'declined', reason: 'paused' })
    expect(await ok(directory, ['resume'])).toBe('Payments resumed.\n')
    expect(await requestPayment(bridge, { upstream, amount: '10000' }).result).toMatchObject({ kind: 'approved' })
    bridge.close()
  })
})
