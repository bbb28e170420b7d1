export class SendFailure extends Error {
    failure;
    constructor(failure) {
        super(failure.message);
        this.failure = failure;
        this.name = 'SendFailure';
    }
}
//# sourceMappingURL=results.js.map