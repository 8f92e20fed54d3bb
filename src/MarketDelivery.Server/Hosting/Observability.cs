using MarketDelivery.Server.Api;
using MarketDelivery.Dispatch;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Dashboard;
using Orleans.Diagnostics;

namespace MarketDelivery.Server.Hosting;

/// <summary>What <see cref="Observability"/> switched on for this process.</summary>
/// <param name="OtlpEndpoint">Where traces and metrics go; null when they are not collected at all.</param>
/// <param name="DashboardPath">Where the Orleans Dashboard is mapped; null when it is off.</param>
public sealed record ObservabilitySettings(Uri? OtlpEndpoint, string? DashboardPath);

/// <summary>
/// Traces and metrics (OpenTelemetry) and the Orleans Dashboard. Telemetry is collected and exported over OTLP only
/// when an endpoint is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, with the other standard <c>OTEL_*</c> variables,
/// or the <c>OpenTelemetry:OtlpEndpoint</c> key); otherwise nothing is registered and nothing is exported. The dashboard
/// follows <c>Dashboard:Enabled</c>, which defaults to on in Development only: it has no sign-in of its own yet.
/// </summary>
public static class Observability
{
    public const string DashboardPath = "/dashboard";

    public const string ServiceName = "MarketDelivery.Server";

    /// <summary>ASP.NET Core's SignalR hub activities (invocations, connects).</summary>
    public const string SignalRActivitySource = "Microsoft.AspNetCore.SignalR.Server";

    /// <summary>SignalR's connection metrics (connections, their duration, transports).</summary>
    public const string SignalRMeter = "Microsoft.AspNetCore.Http.Connections";

    /// <summary>Orleans' runtime metrics (grain calls, activations, messaging, storage).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    public static WebApplicationBuilder AddMarketDeliveryObservability(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var fromEnvironment = !string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var endpointText = fromEnvironment ? config["OTEL_EXPORTER_OTLP_ENDPOINT"] : config["OpenTelemetry:OtlpEndpoint"];
        Uri? endpoint = null;
        if (!string.IsNullOrWhiteSpace(endpointText) && !Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint))
        {
            throw new InvalidOperationException($"The OTLP endpoint '{endpointText}' is not an absolute URL.");
        }

        var dashboard = config.GetValue("Dashboard:Enabled", builder.Environment.IsDevelopment());
        builder.Services.AddSingleton(new ObservabilitySettings(endpoint, dashboard ? DashboardPath : null));

        builder.UseOrleans(silo =>
        {
            if (dashboard)
            {
                silo.AddDashboard();
            }

            if (endpoint is not null)
            {
                // Carries the trace context through grain calls, so a request's trace shows the grains it reached.
                silo.AddActivityPropagation();
            }
        });

        if (endpoint is null)
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddSource(ActivitySources.RuntimeActivitySourceName, ActivitySources.ApplicationGrainActivitySourceName)
                .AddSource(SignalRActivitySource)
                .AddNpgsql()
                .AddSource(DispatchTelemetry.Name))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(OrleansMeter)
                .AddMeter(SignalRMeter)
                .AddNpgsqlInstrumentation()
                .AddMeter(DispatchTelemetry.Name));

        if (fromEnvironment)
        {
            // The standard variables decide the rest: protocol, headers, service name.
            telemetry.UseOtlpExporter();
        }
        else
        {
            var protocol = config["OpenTelemetry:OtlpProtocol"] is "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
            telemetry.UseOtlpExporter(protocol, endpoint);
        }

        return builder;
    }

    public static WebApplication MapMarketDeliveryObservability(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<ObservabilitySettings>();
        app.Logger.LogInformation("Telemetry: {Telemetry}; Orleans Dashboard: {Dashboard}",
            settings.OtlpEndpoint is { } e ? $"OTLP to {e}" : "off (no OTLP endpoint configured)",
            settings.DashboardPath ?? "off (Dashboard:Enabled)");
        if (settings.DashboardPath is { } path)
        {
            var dashboard = app.MapOrleansDashboard(routePrefix: path);
            // A local tool in Development; elsewhere (Dashboard:Enabled=true) it shows every grain, so admins only,
            // with a bearer token (through a proxy that adds it, say).
            if (app.Environment.IsDevelopment())
            {
                dashboard.Public();
            }
            else
            {
                dashboard.Rule(MarketDelivery.Server.Auth.AuthPolicies.Admin);
            }
        }

        return app;
    }
}
