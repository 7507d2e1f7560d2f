using Switchboard.ApiGateway.Hosting;
using Switchboard.Bot.Model;
using Switchboard.Bot.Serving;

namespace Switchboard.Tests.Bot.Model;

public sealed class TrainCommandTests
{
    [Fact]
    public async Task Trains_from_files_shows_progress_and_skips_unchanged_data()
    {
        var output = Directory.CreateTempSubdirectory("switchboard-train-").FullName;
        string[] args = ["--config", Path.Combine(ExampleProject.Directory, "config.yml"), "--domain", Path.Combine(ExampleProject.Directory, "domain.yml"), "--data", Path.Combine(ExampleProject.Directory, "data"), "--out", output];

        var log = new StringWriter();
        Assert.Equal(0, await TrainCommand.Run(args, log, TextWriter.Null));
        Assert.Contains("NLU: ", log.ToString());
        Assert.Contains("dialogue: ", log.ToString());
        var model = BotModel.Load(output);
        Assert.Equal("greet", model.Parse("hello").Intent!.Name);

        var again = new StringWriter();
        Assert.Equal(0, await TrainCommand.Run(args, again, TextWriter.Null));
        Assert.Contains("Nothing changed", again.ToString());
        Assert.Single(Directory.GetFiles(output, "*.zip"));

        var errors = new StringWriter();
        Assert.Equal(1, await TrainCommand.Run(["--config", Path.Combine(ExampleProject.Directory, "config.yml"), "--domain", Path.Combine(output, "missing.yml"), "--data", ExampleProject.Directory, "--out", output], TextWriter.Null, errors));
        Assert.Contains("missing.yml", errors.ToString());
    }
}
