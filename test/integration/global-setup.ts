// Placeholder until the test cluster lands: integration suites start their real parts here.
export default async function globalSetup(): Promise<void> {}
