import { RedisModule } from '../../kernel';

@RedisModule({ name: 'hashes' })
export default class HashesModule {}
