export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>Allowance</h1>
      <p>Lets your AI agents pay for MCP tools, with you in the loop.</p>
    </main>
  )
}
