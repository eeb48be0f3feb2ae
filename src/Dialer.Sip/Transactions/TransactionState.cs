namespace Dialer.Sip.Transactions;

/// <summary>States of RFC 3261 §17 transactions (Figures 5-8), with RFC 6026's Accepted state for INVITE.</summary>
public enum TransactionState
{
    Calling,
    Trying,
    Proceeding,
    Completed,
    Confirmed,
    /// <summary>RFC 6026 §7: an INVITE transaction after a 2xx, kept 64*T1 so 2xx retransmissions and ACKs still match.</summary>
    Accepted,
    Terminated,
}

/// <summary>Why a client transaction ended without a final response.</summary>
public enum TransactionError
{
    /// <summary>Timer B or F fired: treat as 408 Request Timeout (RFC 3261 §8.1.3.1).</summary>
    Timeout,
    /// <summary>The transport could not send: treat as 503 Service Unavailable (RFC 3261 §8.1.3.1).</summary>
    TransportError,
}
