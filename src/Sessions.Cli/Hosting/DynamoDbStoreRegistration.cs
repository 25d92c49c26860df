using Microsoft.Extensions.DependencyInjection;

namespace Sessions.Cli.Hosting;

/// <summary>Registers the library's DynamoDB store for one table, on the client already in the container.</summary>
internal static class DynamoDbStoreRegistration
{
    public static IServiceCollection AddDynamoDbSessionStore(this IServiceCollection services, string table)
    {
#if SESSIONS_DYNAMODB_STORE
        return services.AddSessionStore(options => options.TableName = table);
#else
        // TODO(DynamoDbSessionStore): until the library ships AddSessionStore, the DynamoDB store cannot be built;
        // table commands (which use the client only) work, session commands fail with a store error naming the table.
        return services.AddSingleton<ISessionStore>(_ => throw new SessionStoreException(
            "this build of the tool has no DynamoDB session store; only the in-memory demo and the table commands work.",
            sessionId: null,
            operation: "Open",
            tableName: table,
            innerException: null));
#endif
    }
}
