// MigrationModel
