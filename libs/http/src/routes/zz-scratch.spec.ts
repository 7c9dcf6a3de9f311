import 'reflect-metadata';
import { Allow, IsString, ValidateIf, validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';

const NO_FIELDS: unique symbol = Symbol('no-fields');
class EmptyRequest {
  @Allow() [NO_FIELDS]?: never;
}
class StartX extends EmptyRequest {}
class WithOpt {
  @ValidateIf((_o, v) => v !== undefined) @IsString() reason?: string;
}
const opts = { whitelist: true, forbidNonWhitelisted: true };
test('scratch', async () => {
  console.log(await validate(plainToInstance(StartX, {}), opts));
  console.log(await validate(plainToInstance(StartX, { a: 1 }), opts));
  const w = plainToInstance(WithOpt, {});
  console.log(Object.keys(w), { ...w });
  console.log(await validate(plainToInstance(WithOpt, { reason: null }), opts));
});
