using Switchboard.ApiGateway.Hosting;

if (args is ["train", .. var trainArgs])
{
    return await Switchboard.Bot.Serving.TrainCommand.Run(trainArgs, Console.Out, Console.Error);
}

await GatewayApp.Create(args).RunAsync();
return 0;

public partial class Program;
