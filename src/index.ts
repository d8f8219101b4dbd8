// Placeholder until the engine lands (issue 2).
export {};
