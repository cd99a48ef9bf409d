using Outpost.Server;

return await OutpostCli.RunAsync(args).ConfigureAwait(false);
