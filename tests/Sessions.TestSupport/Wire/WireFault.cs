namespace Sessions.TestSupport.Wire;

/// <summary>What a <see cref="ScriptedFaultHandler"/> does with one attempt of a request.</summary>
public enum WireFault
{
    /// <summary>Pass the attempt on to the server.</summary>
    None,

    /// <summary>Answer 400 <c>ProvisionedThroughputExceededException</c>, as DynamoDB does when a partition is over its capacity.</summary>
    ProvisionedThroughputExceeded,

    /// <summary>Answer 400 <c>ThrottlingException</c>, as DynamoDB does when control-plane or account limits are hit.</summary>
    Throttling,

    /// <summary>Answer 500 <c>InternalServerError</c>.</summary>
    InternalServerError,

    /// <summary>Answer 503 <c>ServiceUnavailable</c>.</summary>
    ServiceUnavailable,

    /// <summary>Fail the send with an <see cref="HttpRequestException"/> whose cause is a connection reset by the peer.</summary>
    ConnectionReset,

    /// <summary>Fail the send with an <see cref="IOException"/>, as a broken transport connection does.</summary>
    BrokenConnection,

    /// <summary>Never answer: wait until the request is cancelled (the client's timeout, or the caller).</summary>
    Hang,

    /// <summary>Pass the attempt on to the server, then drop the server's answer and answer 500 instead: applied, but lost.</summary>
    LoseResponse,

    /// <summary>Fail the send as SocketsHttpHandler does when nothing listens on the port: connection refused.</summary>
    ConnectionRefused,

    /// <summary>Fail the send as SocketsHttpHandler does when the host name does not resolve.</summary>
    DnsFailure,

    /// <summary>Answer 400 <c>AccessDeniedException</c>, as DynamoDB does when the caller's policy does not allow the action.</summary>
    AccessDenied,

    /// <summary>
    /// Answer 400 <c>ReplicatedWriteConflictException</c>, as DynamoDB does on a global table with multi-Region strong
    /// consistency when another Region is writing the same item at the same moment: the write was not applied.
    /// </summary>
    ReplicatedWriteConflict,

    /// <summary>
    /// Pass the attempt on to the server, then drop its answer and answer 400 <c>ReplicatedWriteConflictException</c>
    /// instead: applied, yet reported as refused (the harshest reading of an answer lost on its way back).
    /// </summary>
    LoseResponseAsReplicatedWriteConflict,
}
