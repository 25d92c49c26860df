using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Sessions.DynamoDb;

/// <summary>
/// The DynamoDB store's provider faults: what remains of a request after the SDK's retries (throttling, access denied,
/// a missing table, the network, a timeout) becomes a <see cref="SessionStoreException"/> naming the table and the
/// operation, with the SDK exception inside; a write another Region kept refusing (<see cref="ReplicatedWriteConflictException"/>,
/// left after <see cref="ReplicatedWriteRetry"/>) becomes a <see cref="SessionWriteConflictException"/>; a corrupt item is told where it was read.
/// </summary>
internal static class DynamoDbFaults
{
    /// <summary>The exception to throw for <paramref name="exception"/>, or <see langword="null"/> when it is the store's own and passes unchanged.</summary>
    public static SessionStoreException? Map(string tableName, string operation, string? id, Exception exception) => exception switch
    {
        SessionCorruptException { TableName: null } corrupt => new SessionCorruptException(
            corrupt.SessionId, corrupt.AttributeName, $"{corrupt.Message} (table '{tableName}', operation {operation})", operation, tableName),
        SessionStoreException => null,
        ReplicatedWriteConflictException conflict => new SessionWriteConflictException(
            $"DynamoDB {operation} on table '{tableName}' was refused each of the {ReplicatedWriteRetry.MaxAttempts} times it was sent: another Region was "
            + "writing the same item at the same moment (ReplicatedWriteConflictException). It may be retried.", id, operation, tableName, conflict),
        AmazonServiceException or AmazonClientException or HttpRequestException or IOException or TimeoutException or OperationCanceledException =>
            new SessionStoreException(Describe(tableName, operation, exception), id, operation, tableName, exception),
        _ => null,
    };

    private static string Describe(string tableName, string operation, Exception exception) => exception switch
    {
        ResourceNotFoundException => $"DynamoDB {operation} failed: table '{tableName}' (or its index) does not exist or is not active. Create it with SessionTable.EnsureCreatedAsync or `sessions table create`.",
        OperationCanceledException or TimeoutException => $"DynamoDB {operation} on table '{tableName}' timed out.",
        _ => $"DynamoDB {operation} on table '{tableName}' failed: {exception.Message}",
    };
}
