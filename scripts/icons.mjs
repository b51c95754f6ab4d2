// Draws Allowance's icons (a coin: a ring around a dot) and writes them as PNG files: the app
// icon electron-builder turns into .icns/.ico (build/icon.png), and the tray icons, plain and
// "waiting" (a badge), in colour for Windows and Linux and as macOS template images.
// Run once after changing the drawing: `node scripts/icons.mjs`; the PNGs are committed.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { deflateSync } from 'node:zlib'

const green = [46, 125, 91, 255]
const white = [255, 255, 255, 255]
const black = [0, 0, 0, 255]
const orange = [232, 120, 23, 255]

/** Shapes in unit coordinates (0..1), painted in order; each is [inside(x, y), colour]. */
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r
const ring = (cx, cy, outer, inner) => (x, y) => circle(cx, cy, outer)(x, y) && !circle(cx, cy, inner)(x, y)
const roundedSquare = (radius) => (x, y) => {
  const dx = Math.max(radius - x, x - (1 - radius), 0)
  const dy = Math.max(radius - y, y - (1 - radius), 0)
  return dx * dx + dy * dy <= radius * radius
}

const coin = (colour) => [
  [ring(0.5, 0.5, 0.44, 0.3), colour],
  [circle(0.5, 0.5, 0.14), colour],
]
const badge = (colour) => [
  [circle(0.8, 0.2, 0.24), [0, 0, 0, 0]], // a gap between the coin and the badge
  [circle(0.8, 0.2, 0.19), colour],
]

const icons = {
  'build/icon.png': [512, [[roundedSquare(0.22), green], [ring(0.5, 0.5, 0.32, 0.22), white], [circle(0.5, 0.5, 0.1), white]]],
  'main/app/assets/tray.png': [16, coin(green)],
  'main/app/assets/tray@2x.png': [32, coin(green)],
  'main/app/assets/tray-waiting.png': [16, [...coin(green), ...badge(orange)]],
  'main/app/assets/tray-waiting@2x.png': [32, [...coin(green), ...badge(orange)]],
  'main/app/assets/trayTemplate.png': [16, coin(black)],
  'main/app/assets/trayTemplate@2x.png': [32, coin(black)],
  'main/app/assets/trayWaitingTemplate.png': [16, [...coin(black), ...badge(black)]],
  'main/app/assets/trayWaitingTemplate@2x.png': [32, [...coin(black), ...badge(black)]],
}

for (const [path, [size, shapes]] of Object.entries(icons)) {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, png(size, draw(size, shapes)))
}

/** RGBA pixels, each the average of 4×4 samples (anti-aliased edges); a later shape replaces an earlier one. */
function draw(size, shapes) {
  const pixels = Buffer.alloc(size * size * 4)
  const samples = 4
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0]
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size
          const y = (py + (sy + 0.5) / samples) / size
          let colour = [0, 0, 0, 0]
          for (const [inside, fill] of shapes) if (inside(x, y)) colour = fill
          // Premultiplied, so that transparent samples do not darken the edge.
          for (let c = 0; c < 3; c++) sum[c] += (colour[c] * colour[3]) / 255
          sum[3] += colour[3]
        }
      }
      const offset = (py * size + px) * 4
      const alpha = sum[3] / samples ** 2
      for (let c = 0; c < 3; c++) pixels[offset + c] = alpha ? Math.round(((sum[c] / samples ** 2) * 255) / alpha) : 0
      pixels[offset + 3] = Math.round(alpha)
    }
  }
  return pixels
}

/** A minimal PNG: 8-bit RGBA, no interlace, every row with filter 0. */
function png(size, pixels) {
  const rows = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 6, 0, 0, 0], 8)
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))])
}

function chunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

function crc32(bytes) {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}
