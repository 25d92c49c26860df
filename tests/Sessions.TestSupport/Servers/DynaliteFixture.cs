namespace Sessions.TestSupport.Servers;

/// <summary>The test server dynalite (a JavaScript re-implementation of DynamoDB), shared by the whole run.</summary>
public sealed class DynaliteFixture() : DynamoDbServerFixture(LocalServerKind.Dynalite);
