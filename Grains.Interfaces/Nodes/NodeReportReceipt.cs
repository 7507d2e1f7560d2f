namespace Switchboard.Nodes;

/// <summary>The registry's answer to a report, and the silo the report went through (see <see cref="INodeReportGrain"/>).</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.NodeReportReceipt")]
public sealed record NodeReportReceipt([property: Id(0)] NodeReported Reported, [property: Id(1)] string Silo);
