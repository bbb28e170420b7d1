/** The user name a connection authenticates as, or undefined for no authentication. */
export function effectiveUser(c) {
    if (c.authMethod === 'NONE')
        return undefined;
    return c.userSameAsSender ? c.senderEmail : c.user;
}
//# sourceMappingURL=user.js.map