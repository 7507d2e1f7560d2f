using Switchboard.Bot.Training;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Bot.Conformance;

/// <summary>
/// One of Rasa's example bots in <c>../shared/conformance/rasa-examples/</c>, read from there at run time (never
/// copied into the repository), with the stories it is tested on: its test stories where Rasa ships some, else its
/// training stories replayed; the rules bot has neither, so it is tested on conversations of ours that walk its rules,
/// and formbot also on conversations of ours that fill its form turn by turn (its test stories skip the questions).
/// </summary>
public sealed record RasaExample(string Name, IReadOnlyList<string> StoryFiles)
{
    public static string Corpus => Path.Combine(Repo.Shared, "conformance", "rasa-examples");

    public static IReadOnlyList<RasaExample> All { get; } =
    [
        Of("formbot", "tests/test_stories.yml", Ours("formbot-conversations.yml")),
        Of("moodbot", "tests/test_stories.yml"),
        Of("reminderbot", "data/stories.yml"),
        new("rules", [Ours("rules-bot-stories.yml")]),
        Of("responseselectorbot", "stories/test_stories.yml"),
        Of("knowledgebasebot", "data/stories.yml"),
        Of("concertbot", "data/stories.yml"),
        Of("e2ebot", "tests/test_stories.yml"),
    ];

    public string Directory => Path.Combine(Corpus, Name);

    public static RasaExample Named(string name) => All.Single(b => b.Name == name);

    /// <summary>Its config, domain and data, read as <c>rasa train</c> reads them.</summary>
    public TrainingData Read() =>
        TrainingDataReader.FromPaths([Path.Combine(Directory, "config.yml"), Path.Combine(Directory, "domain.yml"), Path.Combine(Directory, "data")]);

    private static RasaExample Of(string name, string stories, params string[] ours) => new(name, [Path.Combine(Corpus, name, stories), .. ours]);

    private static string Ours(string file) => Path.Combine(Repo.Root, "Tests", "Bot", "Conformance", file);
}
