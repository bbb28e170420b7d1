// The error catalogue and EnvoiError live in the leaf module schemas/errors.ts, which imports
// nothing, so schemas/ can throw them without importing connector/; re-exported here so the
// connector, actions and server keep importing them from where they always did.
export * from '../schemas/errors.js';
//# sourceMappingURL=errors.js.map