namespace Switchboard.ApiGateway.Operations;

/// <summary>Operations: dashboard, metrics and the node's health.</summary>
public static class OperationsSetup
{
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapOperations(this WebApplication app) => app;
}
