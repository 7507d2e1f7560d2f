namespace Switchboard.Tests.Channels;

[CollectionDefinition(Name)]
public sealed class ShortExpiryClusterCollection : ICollectionFixture<ShortExpiryClusterFixture>
{
    public const string Name = "short expiry cluster";
}
