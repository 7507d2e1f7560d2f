using System.Globalization;
using System.Text;

namespace Switchboard.Tests.Security.Fuzz;

/// <summary>
/// Training bodies of <c>POST /model/train</c>: one Rasa YAML document with config, domain, NLU, rules and stories,
/// small enough to train in a moment, with the hostile scalars and structures YAML allows (anchors, aliases, merge
/// keys, tags, deep flow collections, catastrophic regexes, entity annotations that break).
/// </summary>
public sealed class TrainingYamlGrammar : IFuzzGrammar
{
    private static readonly string[] Intents = ["greet", "goodbye", "inform", "affirm", "chitchat/ask_name", "nlu_fallback", "", "a b", "\"x\""];

    private static readonly string[] Scalars =
    [
        "hi", "hello there", "I want [thai](cuisine) food", "in [Berlin]{\"entity\": \"city\", \"role\": \"from\"}", "[x](y:z)", "[](e)",
        "[unclosed(city)", "]](", "\"\\ud800\"", "'quoted ''twice'''", "~", "null", "1e999", "-.inf", ".nan", "0x1F", "2026-11-30",
        "&anchor value", "*anchor", "*undefined", "!!python/object:os.system", "!custom tag", "{a: b, c: [d]}", "[a, [b, [c]]]",
        "? complex key", "<<: *anchor", "|\n  block", ">-\n  folded", "\t", "'", "\"", "#comment", "- - - nested", ": :",
        "/greet{\"city\": \"Berlin\"}", new string('w', 500), "\u00e9\u4e2d\ud83d\ude00",
    ];

    private static readonly string[] Regexes = ["\\b\\d{1,2}\\b", "(a+)+$", "(", "[", "\\", "(?<=a)b", "(x)\\1", "a{99999}", ".*.*.*=.*", ""];

    public byte[] Generate(Random random)
    {
        var yaml = new StringBuilder("version: \"3.1\"\n");
        if (random.Next(3) == 0)
        {
            yaml.Append("pipeline:\n  - name: ").Append(Pick(random, ["WhitespaceTokenizer", "CountVectorsFeaturizer", "DIETClassifier", "Nope", "LanguageModelFeaturizer", Scalar(random)])).Append('\n');
        }

        if (random.Next(3) == 0)
        {
            yaml.Append("policies:\n  - name: ").Append(Pick(random, ["RulePolicy", "MemoizationPolicy", "TEDPolicy", Scalar(random)])).Append("\n    max_history: ").Append(Pick(random, ["5", "-1", "1e9", "x"])).Append('\n');
        }

        var intents = Enumerable.Range(0, 1 + random.Next(4)).Select(_ => Pick(random, Intents)).Distinct().ToList();
        yaml.Append("intents:\n").Append(string.Concat(intents.Select(i => $"  - {i}\n")));
        if (random.Next(2) == 0)
        {
            yaml.Append("entities:\n  - city\n  - ").Append(Scalar(random)).Append('\n');
        }

        if (random.Next(3) == 0)
        {
            yaml.Append("slots:\n  city:\n    type: ").Append(Pick(random, ["text", "float", "categorical", "any", "bool", Scalar(random)]))
                .Append("\n    mappings:\n    - type: from_entity\n      entity: city\n");
        }

        yaml.Append("responses:\n  utter_greet: &greet\n  - text: ").Append(Scalar(random)).Append('\n');
        if (random.Next(4) == 0)
        {
            yaml.Append("  utter_other: *greet\n");
        }

        if (random.Next(20) == 0)
        {
            var levels = random.Next(60, 3000);
            yaml.Append("  utter_deep:\n  - text: ").Append('[', levels).Append(']', levels).Append('\n');
        }

        yaml.Append("nlu:\n");
        foreach (var intent in intents)
        {
            yaml.Append("- intent: ").Append(intent).Append("\n  examples: |\n");
            foreach (var _ in Enumerable.Range(0, random.Next(1, 5)))
            {
                yaml.Append("    - ").Append(Scalar(random)).Append('\n');
            }
        }

        if (random.Next(3) == 0)
        {
            yaml.Append("- regex: ").Append(Pick(random, ["digits", "city", Scalar(random)])).Append("\n  examples: |\n    - ").Append(Pick(random, Regexes)).Append('\n');
        }

        if (random.Next(3) == 0)
        {
            yaml.Append("- lookup: city\n  examples: |\n    - Berlin\n    - ").Append(Scalar(random)).Append('\n');
        }

        if (random.Next(2) == 0)
        {
            yaml.Append("rules:\n- rule: ").Append(Scalar(random)).Append("\n  steps:\n  - intent: ").Append(Pick(random, intents)).Append("\n  - action: ")
                .Append(Pick(random, ["utter_greet", "action_listen", "utter_missing", Scalar(random)])).Append('\n');
        }

        if (random.Next(2) == 0)
        {
            yaml.Append("stories:\n- story: s\n  steps:\n  - user: |\n      ").Append(Scalar(random)).Append("\n  - action: utter_greet\n  - checkpoint: ")
                .Append(Scalar(random)).Append('\n');
        }

        return Encoding.UTF8.GetBytes(yaml.ToString());
    }

    private static string Scalar(Random random) => random.Next(10) == 0
        ? random.Next(1_000_000).ToString(CultureInfo.InvariantCulture)
        : Pick(random, Scalars);

    private static string Pick(Random random, IReadOnlyList<string> items) => items[random.Next(items.Count)];
}
