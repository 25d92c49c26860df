namespace Sessions.TestSupport.Servers;

/// <summary>The test server DynamoDB Local (AWS's own <c>DynamoDBLocal.jar</c>, in memory), shared by the whole run.</summary>
public sealed class DynamoDbLocalFixture() : DynamoDbServerFixture(LocalServerKind.DynamoDbLocal);
