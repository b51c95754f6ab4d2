// The loopback redirect of one sign-in: its own state only, once; everything else ignored.
import { expect, test } from 'vitest'
import * as Callback from '../../../main/auth/Callback.js'

test('only the answer with the flow state is handed on, once; others get a page saying they were ignored', async () => {
  const answers: string[] = []
  let strangers = 0
  const callback = await Callback.open({
    state: 'right',
    onAnswer: async (params) => {
      answers.push(params.get('code')!)
      return { ok: true, title: 'Signed in', message: 'done <b>' }
    },
    onStranger: () => strangers++,
  })
  try {
    expect(callback.redirectUri).toBe(`http://127.0.0.1:${callback.port}/callback`)
    const wrong = await fetch(`${callback.redirectUri}?code=c0&state=wrong`)
    expect(wrong.status).toBe(400)
    expect(await wrong.text()).toContain('does not belong to the sign-in Allowance started')
    expect(strangers).toBe(1)
    const other = await fetch(`http://127.0.0.1:${callback.port}/elsewhere?state=right`)
    expect(other.status).toBe(404)
    const right = await fetch(`${callback.redirectUri}?code=c1&state=right`)
    expect(right.status).toBe(200)
    const page = await right.text()
    expect(page).toContain('done &#60;b&#62;')
    expect(right.headers.get('content-security-policy')).toContain("default-src 'none'")
    const again = await fetch(`${callback.redirectUri}?code=c2&state=right`)
    expect(again.status).toBe(409)
    expect(answers).toEqual(['c1'])
  } finally {
    await callback.close()
  }
  await expect(fetch(callback.redirectUri)).rejects.toThrow()
})

test('a preferred port is used when free, another when it is taken', async () => {
  const first = await Callback.open({ state: 's', onAnswer: async () => ({ ok: true, title: '', message: '' }) })
  const second = await Callback.open({ state: 's', preferredPort: first.port, onAnswer: async () => ({ ok: true, title: '', message: '' }) })
  expect(second.port).not.toBe(first.port)
  const port = second.port
  await second.close()
  const third = await Callback.open({ state: 's', preferredPort: port, onAnswer: async () => ({ ok: true, title: '', message: '' }) })
  expect(third.port).toBe(port)
  await Promise.all([first.close(), third.close()])
})
