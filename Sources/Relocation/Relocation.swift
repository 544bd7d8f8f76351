// Relocation
