using System.Text;
using System.Text.Json.Nodes;

namespace Sessions.TestSupport.Wire;

/// <summary>
/// Makes the test server's table look like a DynamoDB global table: neither dynalite nor DynamoDB Local knows replicas,
/// so this handler passes every request on and adds to each <c>DescribeTable</c> answer the fields DynamoDB reports for a
/// global table — <c>Replicas</c> (<c>RegionName</c>, <c>ReplicaStatus</c>), <c>GlobalTableWitnesses</c> (<c>RegionName</c>,
/// <c>WitnessStatus</c>), <c>GlobalTableVersion</c> and, when given, <c>MultiRegionConsistency</c> — leaving the rest of the
/// server's real answer (status, key, indexes) as it was.
/// </summary>
/// <param name="replicas">The replicas to report, each a Region and its status (for example <c>ACTIVE</c>, <c>CREATING</c>).</param>
/// <param name="consistency"><c>EVENTUAL</c>, <c>STRONG</c>, or <see langword="null"/> to report no mode.</param>
/// <param name="witnesses">The witness Regions to report, each with its status; none when <see langword="null"/>.</param>
public sealed class GlobalTableDescriptionHandler(
    IReadOnlyList<(string Region, string Status)> replicas, string? consistency, IReadOnlyList<(string Region, string Status)>? witnesses = null) : DelegatingHandler
{
    /// <summary>The version DynamoDB reports for the current version of global tables.</summary>
    public const string Version = "2019.11.21";

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (CountingHandler.OperationOf(request) != "DescribeTable" || !response.IsSuccessStatusCode)
        {
            return response;
        }

        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
        var table = answer["Table"]!.AsObject();
        table["Replicas"] = new JsonArray([.. replicas.Select(r => new JsonObject { ["RegionName"] = r.Region, ["ReplicaStatus"] = r.Status })]);
        table["GlobalTableVersion"] = Version;
        if (witnesses is { Count: > 0 })
        {
            table["GlobalTableWitnesses"] = new JsonArray([.. witnesses.Select(w => new JsonObject { ["RegionName"] = w.Region, ["WitnessStatus"] = w.Status })]);
        }

        if (consistency is not null)
        {
            table["MultiRegionConsistency"] = consistency;
        }

        response.Content = new StringContent(answer.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.0");

        // The body changed: a checksum of the server's body would no longer match it.
        response.Headers.Remove("x-amz-crc32");
        return response;
    }
}
