namespace Switchboard.ApiGateway.Centrifugo;

/// <summary>Real-time channels: the Centrifugo server API (<c>/api/</c>) and the WebSocket endpoint.</summary>
public static class CentrifugoSetup
{
    public static WebApplicationBuilder AddCentrifugo(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapCentrifugo(this WebApplication app) => app;
}
