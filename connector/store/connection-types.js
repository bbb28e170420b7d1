export {};
//# sourceMappingURL=connection-types.js.map