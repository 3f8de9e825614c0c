package dev.interlock.bank;

/** How a {@link Bank#tryTransfer timed transfer} ended. */
public enum TransferResult {
    /** The money moved: the source was debited and the target credited, atomically. */
    DONE,
    /** The source's balance was less than the amount; nothing changed. */
    INSUFFICIENT_FUNDS,
    /** The timeout passed before both accounts' locks were held; nothing changed, no lock is held. */
    TIMED_OUT
}
