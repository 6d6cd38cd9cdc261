/**
 * A made-up payer for payments that happen without the bank pages (control-plane scenarios,
 * recurring charges). Drawn from the sandbox's seeded random source, so a seeded run repeats.
 */
import type { BankDetails } from '../domain/order.js';
import type { IdGenerator } from './ids.js';

const PAYERS: readonly BankDetails[] = [
  { account_holder_name: 'Max Mustermann', account_iban: 'DE89370400440532013000', account_bic: 'COBADEFFXXX', bank_name: 'Commerzbank' },
  { account_holder_name: 'Erika Musterfrau', account_iban: 'AT611904300234573201', account_bic: 'BKAUATWWXXX', bank_name: 'UniCredit Bank Austria' },
  { account_holder_name: 'Jan Janssens', account_iban: 'BE68539007547034', account_bic: 'GEBABEBBXXX', bank_name: 'BNP Paribas Fortis' },
];

export function simulatedPayer(ids: IdGenerator): { bank: BankDetails; external_transaction_id: string } {
  const bank = PAYERS[Math.floor(ids.random() * PAYERS.length)] ?? PAYERS[0]!;
  return { bank, external_transaction_id: ids.bankReference() };
}
