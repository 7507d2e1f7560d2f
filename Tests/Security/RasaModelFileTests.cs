using System.IO.Compression;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Model;
using Switchboard.Bot.Serving;
using Switchboard.Tests.Bot;

namespace Switchboard.Tests.Security;

/// <summary>
/// Issue 10, item 10: a damaged or hostile model file is refused with a <see cref="ModelLoadException"/> (the
/// routes answer 400), never a crash, an unbounded expansion or a model that fails later on every request.
/// </summary>
public sealed class RasaModelFileTests
{
    public static IEnumerable<object[]> DamageNames() => RasaHostileModels.Damages.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(DamageNames))]
    public async Task DamagedModelFilesAreRefusedWithoutTheirContent(string damage)
    {
        var path = RasaHostileModels.Hostile(RasaHostileModels.Damages[damage]);
        try
        {
            var loader = new BotModelLoader(null, new HttpClient());
            var e = await Assert.ThrowsAsync<ModelLoadException>(() => loader.Load(path, CancellationToken.None));
            Assert.DoesNotContain("secret-value-42", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ExpansionIsBoundedBySizeAndRatio()
    {
        var path = RasaHostileModels.Hostile(zip => RasaHostileModels.Replace(zip, "domain.yml", new byte[3 * 1024 * 1024], CompressionLevel.SmallestSize));
        var ratio = Assert.Throws<InvalidDataException>(() => BotModel.Load(path, new ModelFileLimits(long.MaxValue, 100)));
        File.Delete(path);
        Assert.Contains("expands more than 100 times", ratio.Message, StringComparison.Ordinal);

        var size = Assert.Throws<InvalidDataException>(() => BotModel.Load(ExampleProject.ModelPath, new ModelFileLimits(100_000, int.MaxValue)));
        Assert.Contains("expands to more than 100000 bytes", size.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheUndamagedModelStillLoads()
    {
        var path = RasaHostileModels.Hostile(_ => { });
        var agent = await new BotModelLoader(null, new HttpClient()).Load(path, CancellationToken.None);
        File.Delete(path);
        Assert.True(agent.HasNlu && agent.HasDialogue);
    }
}
