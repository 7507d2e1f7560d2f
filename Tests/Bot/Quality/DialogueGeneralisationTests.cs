using Switchboard.Bot.Evaluation;
using Switchboard.Bot.Model;
using Switchboard.Bot.Serving;
using Xunit.Abstractions;

namespace Switchboard.Tests.Bot.Quality;

public sealed class DialogueGeneralisationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_learned_policy_alone_predicts_80_percent_of_the_actions_of_held_out_stories()
    {
        var data = ExampleProject.Training;
        // Every third story is held out; the learned policy trains on the rest and the rules.
        var heldOut = data.Stories.Where((_, i) => i % 3 == 1).ToList();
        var train = data.Stories.Except(heldOut).ToList();
        var model = BotModel.Train(data with { Stories = train });
        Assert.NotNull(model.Learned);

        var learnedOnly = model.EnsembleOf(model.Learned);
        var result = await StoryEvaluation.Run(new BotAgent(model, null, learnedOnly), heldOut);
        output.WriteLine($"held-out stories: {result.Stories}, action accuracy {result.ActionAccuracy:F3}, correct stories {result.CorrectStories}, failed: {string.Join("; ", result.FailedStories)}");
        foreach (var (action, scores) in result.Actions.Labels)
        {
            output.WriteLine($"  {action}: p {scores.Precision:F2} r {scores.Recall:F2} support {scores.Support} confused {string.Join(",", scores.ConfusedWith.Keys)}");
        }

        Assert.True(result.ActionAccuracy >= 0.8, $"learned policy action accuracy {result.ActionAccuracy:F3} < 0.8");
    }

    [Fact]
    public async Task The_full_ensemble_follows_every_training_story()
    {
        var data = ExampleProject.Training;
        var model = BotModel.Train(data);
        var result = await StoryEvaluation.Run(new BotAgent(model, null), data.Stories);
        output.WriteLine($"training stories: action accuracy {result.ActionAccuracy:F3}, failed: {string.Join("; ", result.FailedStories)}");
        Assert.Empty(result.FailedStories);
    }
}
