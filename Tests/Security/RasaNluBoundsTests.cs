using Switchboard.Bot.Nlu;
using Switchboard.Tests.Bot;

namespace Switchboard.Tests.Security;

/// <summary>What one message can make the NLU produce and the tracker store: a bounded number of entities.</summary>
public sealed class RasaNluBoundsTests
{
    [Fact]
    public void AMessageKeepsAtMostMaxEntitiesTheFirstByPosition()
    {
        var text = string.Join(' ', Enumerable.Repeat("book a table in Berlin", 434));
        var entities = ExampleProject.Model.Parse(text).Entities;
        Assert.Equal(NluModel.MaxEntities, entities.Count);
        Assert.Equal(entities.OrderBy(e => e.Start), entities);
        Assert.True(entities[^1].End < text.Length / 2, "the first entities by position are kept");
    }

    /// <summary>
    /// The non-timed linearity check of a parse (tokenizer, intent ranking, token features, entity tagger, regex and
    /// lookup extraction): a text ten times longer allocates about ten times as much. Timings are in the
    /// <c>nlu-cost</c> benchmark (docs/security.md).
    /// </summary>
    [Theory]
    [InlineData("book a table for 2 people in Berlin at 7pm ")]
    [InlineData("1 ")]
    [InlineData("thai italian mexican ")]
    public void AParseAllocatesLinearlyInTheText(string unit)
    {
        var model = ExampleProject.Model;
        var small = string.Concat(Enumerable.Repeat(unit, 10_000 / unit.Length));
        var large = string.Concat(Enumerable.Repeat(unit, 100_000 / unit.Length));
        model.Parse(small);
        model.Parse(large);
        var ratio = (double)Allocated(() => model.Parse(large)) / Allocated(() => model.Parse(small));
        Assert.InRange(ratio, 8, 12);
    }

    private static long Allocated(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
