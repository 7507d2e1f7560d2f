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
}
