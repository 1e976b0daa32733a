using IntegrationServices.Suite;

return await SuiteCommands.RunAsync(args);
