using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Dispatch;
using MarketDelivery.Domain;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Persistence;
using MarketDelivery.Server.Api;
using MarketDelivery.Grains.Dispatch;
using MarketDelivery.Grains.Orders;
using MarketDelivery.Server.Hubs;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.SignalR;
using Orleans.Configuration;
using Scalar.AspNetCore;

namespace MarketDelivery.Server.Hosting;

/// <summary>Wires the host: seed catalogue, Orleans silo with its storage, HTTP API, SignalR hub, OpenAPI.</summary>
public static class MarketDeliveryHost
{
    /// <summary>Large enough for any real basket, small enough that nobody can make us buffer megabytes.</summary>
    public const long MaxRequestBodyBytes = 256 * 1024;

    public static WebApplicationBuilder AddMarketDelivery(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var catalog = LoadCatalog(config);
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(MarketClock.System);

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);

        builder.Services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // A silo failing over or the database away is a 503 with Retry-After; anything else unexpected a 500 problem.
        builder.Services.AddExceptionHandler<TransientFailureExceptionHandler>();
        builder.Services.AddSingleton<IdempotentCalls>();
        // Proof of delivery: code attempts and photo size (the photo endpoint raises Kestrel's body limit for itself).
        builder.Services.Configure<MarketDelivery.Domain.Orders.DeliveryRules>(config.GetSection("Couriers"));
        // Bad JSON and oversized bodies become BadHttpRequestExceptions, which the handler turns into problem details.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks().AddReadinessChecks();

        // Outermost first: a transient failure while checking access is still a "try again" hub error.
        builder.Services.AddSignalR(o =>
            {
                o.AddFilter<TransientFailureHubFilter>();
                o.AddFilter<HubAccessFilter>();
            })
            .AddJsonProtocol(o => ConfigureJson(o.PayloadSerializerOptions));
        // Pushes reach every silo's hub through Orleans itself (a grain service per silo, addressed by membership): no broker.
        builder.Services.AddSingleton<LocalHub>();
        builder.Services.AddSingleton<HubServiceClient>();
        builder.Services.AddSingleton<ClusterPushNotifier>();
        builder.Services.AddSingleton<IPushNotifier>(sp => sp.GetRequiredService<ClusterPushNotifier>());
        var dispatch = DispatchOptionsFrom(config);
        builder.Services.AddSingleton(OrderOptionsFrom(config));
        builder.Services.AddFaultTestHooks(config);
        builder.Services.AddDispatch(dispatch);

        var contentRoot = builder.Environment.ContentRootPath;
        var persistence = PersistenceOptions.FromConfiguration(config, contentRoot);
        builder.Services.AddSingleton(persistence);
        builder.UseOrleans(silo =>
        {
            silo.UseMarketDeliveryPersistence(persistence);
            silo.AddGrainService<HubService>();
            // Tests and demos may tick faster than Orleans' one-minute floor for reminders.
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(o.MinimumReminderPeriod.Ticks, dispatch.TickPeriod.Ticks)));
            if (persistence.Kind == DatabaseKind.PostgreSql)
            {
                // ADO.NET clustering: each silo announces its own address; in docker-compose that is the service name.
                var host = config["Orleans:AdvertisedHost"];
                var address = string.IsNullOrWhiteSpace(host) ? IPAddress.Loopback : Dns.GetHostAddresses(host)[0];
                silo.ConfigureEndpoints(address, persistence.SiloPort, persistence.GatewayPort, listenOnAnyHostAddress: !string.IsNullOrWhiteSpace(host));
            }
        });
        // After the silo's own hosted service, so the push loop starts once the silo is up.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClusterPushNotifier>());
        builder.AddMarketDeliveryObservability();
        builder.AddMarketDeliveryAuthentication();

        return builder;
    }

    public static WebApplication UseMarketDelivery(this WebApplication app)
    {
        var persistence = app.Services.GetRequiredService<PersistenceOptions>();
        var catalog = app.Services.GetRequiredService<MarketCatalog>();
        app.Logger.LogInformation("Storage: {Storage}", Describe(persistence));
        app.Logger.LogInformation("Seed data: {Markets} markets, {Stalls} stalls", catalog.Markets.Count, catalog.Markets.Sum(m => m.Stalls.Count));

        // Load OR-Tools' native library now, on the thread pool, so the first wave does not pay for it.
        _ = Task.Run(MarketDelivery.Routing.RoutingSolver.WarmUp);

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // The landing page at / and the apps under it; the API reference stays at /scalar/v1.
        app.UseMarketDeliveryWebApps();
        app.UseMarketDeliveryAuthentication();

        app.MapOpenApi().Public();
        app.MapScalarApiReference().Public();
        // Liveness runs no check: the process answers. Readiness (and /health, kept for existing probes) checks the
        // database and the silo; unhealthy is a 503.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).Public();
        var ready = new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadinessChecks.ReadyTag), ResponseWriter = HealthReportJson.Write };
        app.MapHealthChecks("/health/ready", ready).Public();
        app.MapHealthChecks("/health", ready).Public();

        app.MapMarketsApi();
        app.MapFleetAdviceApi();
        app.MapOrdersApi();
        app.MapSubstitutionsApi();
        app.MapCustomersApi();
        app.MapStallsApi();
        app.MapStockApi();
        app.MapTakingsApi();
        app.MapCouriersApi();
        app.MapDeliveryPhotosApi();
        app.MapAuthApi(app.Environment);
        app.MapHub<MarketHub>(MarketHub.Path).Problems(StatusCodes.Status401Unauthorized);
        app.MapMarketDeliveryObservability();
        return app;
    }

    public static void ConfigureJson(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
    }

    /// <summary>Dispatch settings from the <c>Dispatch</c> configuration section; every key is optional.</summary>
    public static DispatchRuntimeOptions DispatchOptionsFrom(IConfiguration config)
    {
        var defaults = new DispatchRuntimeOptions();
        var section = config.GetSection("Dispatch");
        return defaults with
        {
            TickPeriod = section.GetValue("TickPeriod", defaults.TickPeriod),
            ReplanDebounce = section.GetValue("ReplanDebounce", defaults.ReplanDebounce),
            Waves = new WavePolicy(section.GetValue("WaveLeadTime", defaults.Waves.LeadTime), section.GetValue("ReleaseWhenReady", defaults.Waves.ReleaseWhenReady)),
            Planning = defaults.Planning with
            {
                SolveTimeLimit = section.GetValue("SolveTimeLimit", defaults.Planning.SolveTimeLimit),
                DeliveryMargin = section.GetValue("DeliveryMargin", defaults.Planning.DeliveryMargin),
            },
        };
    }

    /// <summary>Order settings from the <c>Orders</c> configuration section; every key is optional.</summary>
    public static OrderOptions OrderOptionsFrom(IConfiguration config)
    {
        var defaults = new OrderOptions();
        var section = config.GetSection("Orders");
        return defaults with
        {
            SubstitutionApprovalWindow = section.GetValue("SubstitutionApprovalWindow", defaults.SubstitutionApprovalWindow),
            ProposalCheckPeriod = section.GetValue("ProposalCheckPeriod", defaults.ProposalCheckPeriod),
        };
    }

    private static MarketCatalog LoadCatalog(IConfiguration config)
    {
        var directory = config["Data:Directory"];
        return SeedDataLoader.Load(string.IsNullOrWhiteSpace(directory) ? SeedDataLoader.FindDataDirectory() : directory);
    }

    private static string Describe(PersistenceOptions options) => options.Kind switch
    {
        DatabaseKind.PostgreSql => $"PostgreSQL through Orleans ADO.NET ({options}); silo port {options.SiloPort}, gateway {options.GatewayPort}",
        DatabaseKind.Sqlite => $"embedded default: SQLite file {new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString).DataSource} " +
                               "through Orleans ADO.NET, localhost clustering. Set ConnectionStrings__Postgres to use PostgreSQL.",
        _ => "in memory: nothing survives a restart.",
    };
}
