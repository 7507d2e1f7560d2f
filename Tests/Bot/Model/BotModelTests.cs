using System.IO.Compression;
using Switchboard.Bot.Dialogue;
using Switchboard.Bot.Events;
using Switchboard.Bot.Tracking;
using Switchboard.Bot.Model;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;

namespace Switchboard.Tests.Bot.Model;

public sealed class BotModelTests
{
    [Fact]
    public void A_saved_model_loads_back_and_answers_exactly_as_the_trained_one()
    {
        var trained = ExampleProject.Model;
        var loaded = BotModel.Load(ExampleProject.ModelPath);

        Assert.Equal(trained.ModelId, loaded.ModelId);
        Assert.Equal(trained.Fingerprint, loaded.Fingerprint);
        Assert.Equal(trained.Domain.ActionNames, loaded.Domain.ActionNames);
        foreach (var text in new[] { "book a table for 4 people at a thai restaurant", "I want to fly from Oslo to Rome", "hello", "weather in New York please" })
        {
            Assert.Equal(Json(trained.Parse(text)), Json(loaded.Parse(text)));
        }

        foreach (var story in StoryExpander.Expand(ExampleProject.Training.Stories).Take(5))
        {
            var events = StoryEvents.From(story.Steps);
            for (var n = 1; n < events.Count; n++)
            {
                var applied = events.Take(n).ToList();
                var a = trained.PredictNextAction(DialogueTracker.FromEvents("s", applied), applied);
                var b = loaded.PredictNextAction(DialogueTracker.FromEvents("s", applied), applied);
                Assert.Equal((a.Action, a.Policy), (b.Action, b.Policy));
                Assert.Equal(a.Confidence, b.Confidence, 5);
            }
        }
    }

    [Fact]
    public void Parses_carry_intent_ranking_entities_roles_synonyms_and_the_bypass()
    {
        var model = ExampleProject.Model;
        var flight = model.Parse("I want to fly from Oslo to Rome");
        Assert.Equal("book_flight", flight.Intent!.Name);
        Assert.True(flight.IntentRanking.Count > 1 && flight.IntentRanking[0].Confidence >= flight.IntentRanking[1].Confidence);
        Assert.InRange(flight.IntentRanking.Sum(i => i.Confidence), 0.5, 1.0001);
        Assert.Contains(flight.Entities, e => e is { Entity: "city", Role: "departure", Start: 19, End: 23, Extractor: "CRFEntityExtractor" } && e.ValueText == "Oslo" && e.Confidence > 0.5);
        Assert.Contains(flight.Entities, e => e is { Entity: "city", Role: "destination" } && e.ValueText == "Rome");

        var veggie = model.Parse("I want veggie food");
        Assert.Contains(veggie.Entities, e => e.Entity == "cuisine" && e.ValueText == "vegetarian" && e.Processors!.Contains("EntitySynonymMapper"));

        var bypass = model.Parse("/inform{\"cuisine\": \"thai\", \"people\": [\"2\", \"3\"]}");
        Assert.Equal(("inform", 1.0), (bypass.Intent!.Name, bypass.Intent.Confidence));
        Assert.Equal(["thai", "2", "3"], bypass.Entities.Select(e => e.ValueText));

        var gibberish = model.Parse("qwxz vbnm plkj");
        Assert.Equal("nlu_fallback", gibberish.Intent!.Name);
        Assert.Equal(0.3, gibberish.Intent.Confidence);
    }

    [Fact]
    public void A_model_trained_on_nlu_only_parses_but_does_not_predict()
    {
        var data = ExampleProject.Training with { Stories = [], Rules = [] };
        var model = BotModel.Train(data);
        Assert.True(model.IsNluOnly);
        Assert.Equal("greet", model.Parse("hello there").Intent!.Name);
        Assert.Throws<InvalidOperationException>(() => model.PredictNextAction(DialogueTracker.FromEvents("s", []), []));

        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        Assert.True(BotModel.Load(stream).IsNluOnly);
    }

    [Fact]
    public void Broken_or_foreign_files_are_refused_with_a_reason()
    {
        Assert.Contains("not a model file", Assert.Throws<InvalidDataException>(() => BotModel.Load(new MemoryStream("hello"u8.ToArray()))).Message);

        var copy = Rewrite(File.ReadAllBytes(ExampleProject.ModelPath), "nlu/entities.bin", null);
        Assert.Contains("entry 'nlu/entities.bin' is missing", Assert.Throws<InvalidDataException>(() => BotModel.Load(copy)).Message);

        // A newer file, and one of version 2, whose sentence and token features were computed differently.
        foreach (var version in new[] { 99, 2 })
        {
            var other = Rewrite(File.ReadAllBytes(ExampleProject.ModelPath), "manifest.json", m => m.Replace($"\"formatVersion\":{ModelManifest.CurrentVersion}", $"\"formatVersion\":{version}", StringComparison.Ordinal));
            Assert.Contains($"format version {version} is not supported", Assert.Throws<InvalidDataException>(() => BotModel.Load(other)).Message);
        }
    }

    private static string Json(ParseResult parse) => System.Text.Encoding.UTF8.GetString(EventWriter.ToUtf8(w => EventWriter.WriteParseResult(w, parse)));

    [Fact]
    public void A_model_of_format_3_is_read_as_before()
    {
        var current = BotModel.Load(ExampleProject.ModelPath);
        var old = BotModel.Load(Rewrite(File.ReadAllBytes(ExampleProject.ModelPath), "manifest.json", m => m.Replace($"\"formatVersion\":{ModelManifest.CurrentVersion}", "\"formatVersion\":3", StringComparison.Ordinal)));
        Assert.Null(old.Nlu.Context);
        foreach (var text in new[] { "book a table for 4 people at a thai restaurant", "I want to fly from Oslo to Rome", "hello" })
        {
            Assert.Equal(Json(current.Parse(text)), Json(old.Parse(text)));
        }
    }

    /// <summary>A copy of a model file with one entry changed by <paramref name="change"/>, or removed if it is null.</summary>
    internal static MemoryStream Rewrite(byte[] model, string entry, Func<string, string>? change)
    {
        var copy = new MemoryStream(model);
        using (var zip = new ZipArchive(copy, ZipArchiveMode.Update, leaveOpen: true))
        {
            var existing = zip.GetEntry(entry)!;
            string? text = null;
            if (change is not null)
            {
                using var reader = new StreamReader(existing.Open());
                text = change(reader.ReadToEnd());
            }

            existing.Delete();
            if (text is not null)
            {
                using var writer = new StreamWriter(zip.CreateEntry(entry).Open());
                writer.Write(text);
            }
        }

        copy.Position = 0;
        return copy;
    }
}
